"""How dates are written in what the bot says and mails in Japanese."""

from __future__ import annotations

from datetime import date, datetime

WEEKDAYS = "月火水木金土日"


def japanese_date(day: date) -> str:
    """2026年11月22日: the form customers read on slips and in mails."""
    return f"{day.year}年{day.month}月{day.day}日"


def japanese_moment(moment: datetime) -> str:
    """11月23日(月)09:00: when someone will answer, as the chat says it."""
    return f"{moment.month}月{moment.day}日({WEEKDAYS[moment.weekday()]}){moment:%H:%M}"
