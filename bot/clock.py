"""The one clock of the bot. `BOT_TODAY=YYYY-MM-DD` pins it for tests and demos."""

from __future__ import annotations

import os
from datetime import date, datetime, timedelta, timezone

JST = timezone(timedelta(hours=9), "JST")


def now() -> datetime:
    """The current time in Japan; on the pinned day when BOT_TODAY is set (at the real time of day)."""
    current = datetime.now(JST)
    pinned = os.environ.get("BOT_TODAY")
    if not pinned:
        return current
    day = date.fromisoformat(pinned)
    return current.replace(year=day.year, month=day.month, day=day.day)


def today() -> date:
    """Today's date in Japan, or the pinned BOT_TODAY."""
    return now().date()
