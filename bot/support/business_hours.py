"""When people answer: support hours on Japanese business days.

The default is weekdays 9:00-17:30 JST with Japan's public holidays off; operators set
other hours as "HH:MM-HH:MM" (BOT_SUPPORT_HOURS). All times are Japan time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Optional

import jpholiday

from bot.domain.clock import JST

_HOURS_RE = re.compile(r"\s*([01]?\d|2[0-3]):([0-5]\d)\s*-\s*([01]?\d|2[0-3]):([0-5]\d)\s*")
# Looking further ahead than the longest run of days off (Golden Week plus weekends).
_SEARCH_DAYS = 14


@dataclass(frozen=True)
class SupportHours:
    opens: time = time(9, 0)
    closes: time = time(17, 30)


def hours_in_words(hours: SupportHours) -> str:
    """09:00-17:30 as a customer reads it: 9:00〜17:30."""
    return f"{hours.opens.hour}:{hours.opens:%M}〜{hours.closes.hour}:{hours.closes:%M}"


def parse_support_hours(text: Optional[str]) -> SupportHours:
    """ "9:00-17:30" → SupportHours; unset means the default; nonsense is an operator error."""
    if not text:
        return SupportHours()
    match = _HOURS_RE.fullmatch(text)
    if not match:
        raise ValueError(f"expected HH:MM-HH:MM, got {text!r}")
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    hours = SupportHours(time(h1, m1), time(h2, m2))
    if hours.opens >= hours.closes:
        raise ValueError(f"expected HH:MM-HH:MM opening before it closes, got {text!r}")
    return hours


def is_business_day(day: date) -> bool:
    return day.weekday() < 5 and not jpholiday.is_holiday(day)


def is_open(moment: datetime, hours: SupportHours = SupportHours()) -> bool:
    local = moment.astimezone(JST)
    return is_business_day(local.date()) and hours.opens <= local.time() < hours.closes


def next_opening(moment: datetime, hours: SupportHours = SupportHours()) -> datetime:
    """The first moment from `moment` on when people answer (`moment` itself if open)."""
    local = moment.astimezone(JST)
    if is_open(local, hours):
        return local
    day = local.date()
    if is_business_day(day) and local.time() < hours.opens:
        return datetime.combine(day, hours.opens, JST)
    for offset in range(1, _SEARCH_DAYS + 1):
        candidate = day + timedelta(days=offset)
        if is_business_day(candidate):
            return datetime.combine(candidate, hours.opens, JST)
    raise RuntimeError(f"no business day within {_SEARCH_DAYS} days of {day}")
