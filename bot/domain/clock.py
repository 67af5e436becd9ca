"""The one clock of the bot. `BOT_TODAY=YYYY-MM-DD` pins the day for tests and demos;
`BOT_NOW=YYYY-MM-DDTHH:MM` pins the time of day too (Japan time), for business hours.

Both are read at every call, unlike the other settings: tests and demos move the clock while a
process runs. Their format is checked at start with the rest (bot.settings.core)."""

from __future__ import annotations

import os
from datetime import date, datetime, timedelta, timezone

JST = timezone(timedelta(hours=9), "JST")


def parse_moment(text: str) -> datetime:
    """BOT_NOW's value as a moment in Japan time."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"expected YYYY-MM-DDTHH:MM (Japan time), got {text!r}") from None
    return moment.replace(tzinfo=JST) if moment.tzinfo is None else moment.astimezone(JST)


def parse_day(text: str) -> date:
    """BOT_TODAY's value."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"expected YYYY-MM-DD, got {text!r}") from None


def now() -> datetime:
    """The current time in Japan; on the pinned day when BOT_TODAY is set (at the real time of day)."""
    current = datetime.now(JST)
    pinned_moment = os.environ.get("BOT_NOW")
    if pinned_moment:
        return parse_moment(pinned_moment)
    pinned = os.environ.get("BOT_TODAY")
    if not pinned:
        return current
    day = parse_day(pinned)
    return current.replace(year=day.year, month=day.month, day=day.day)


def today() -> date:
    """Today's date in Japan, or the pinned BOT_TODAY."""
    return now().date()
