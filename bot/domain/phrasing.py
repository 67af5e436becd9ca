"""How dates are written in what the bot says and mails in Japanese."""

from __future__ import annotations

from datetime import date


def japanese_date(day: date) -> str:
    """2026年11月22日: the form customers read on slips and in mails."""
    return f"{day.year}年{day.month}月{day.day}日"
