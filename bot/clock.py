"""The one clock of the bot. `BOT_TODAY=YYYY-MM-DD` pins the day for tests and demos;
`BOT_NOW=YYYY-MM-DDTHH:MM` pins the time of day too (Japan time), for business hours."""

from __future__ import annotations

import os
from datetime import date, datetime, timedelta, timezone

JST = timezone(timedelta(hours=9), "JST")


def now() -> datetime:
    """The current time in Japan; on the pinned day when BOT_TODAY is set (at the real time of day)."""
    current = datetime.now(JST)
    pinned_moment = os.environ.get("BOT_NOW")
    if pinned_moment:
        moment = datetime.fromisoformat(pinned_moment)
        return moment.replace(tzinfo=JST) if moment.tzinfo is None else moment.astimezone(JST)
    pinned = os.environ.get("BOT_TODAY")
    if not pinned:
        return current
    day = date.fromisoformat(pinned)
    return current.replace(year=day.year, month=day.month, day=day.day)


def today() -> date:
    """Today's date in Japan, or the pinned BOT_TODAY."""
    return now().date()
