"""How dates and values are written in the bot's Japanese replies."""

from __future__ import annotations

from datetime import date


def japanese_date(day: date) -> str:
    """2026年11月22日: the form customers read on slips and in mails."""
    return f"{day.year}年{day.month}月{day.day}日"
