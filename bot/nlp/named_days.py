"""The calendar day a customer means by 「11月5日」, 「昨日」 or 「先週の金曜日」.

ja_timex finds the expressions; deciding which day they name needs `today`, which is a
parameter (not ja_timex's own clock) so the answer is the same in tests, demos and
production for the same day. `named_days` is the one walk over them: the payment action
takes the first day, the date entity (bot.nlp.dates) the places of all of them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Iterator, List, Optional, Tuple

from dateutil.relativedelta import relativedelta
from ja_timex import TimexParser
from ja_timex.tag import TIMEX

from bot.domain.normalize import normalize

_WEEKDAYS = "月火水木金土日"  # Monday first: 先週の金曜日 on a Sunday is the Friday nine days earlier

# Readings ja_timex does not know; さきおととい first, or it would be read as おととい.
_READINGS = {"さきおととい": "3日前", "おととい": "一昨日"}
_READING_RE = re.compile("|".join(_READINGS))

_SIGN = {"BEFORE": -1, "NOW": 0, "AFTER": 1}
# 先週 or 去年 name a whole period, not a day; 3日前, 昨日, 2ヶ月前 name a day.
_DAY_SUFFIXES = ("before_suffix", "after_suffix")
# 3時間前 carries only clock units and so names no day.
_CALENDAR_UNITS = ("year", "month", "week", "day")

# A year-less date is looked for this many years back: enough to reach a 29 February.
_LEAP_SEARCH_YEARS = 9


@dataclass(frozen=True)
class NamedDay:
    day: date
    start: int  # [start, end) in the text given to named_days
    end: int


def parse_japanese_date(text: str, today: date) -> Optional[date]:
    """The first day named in `text`, or None; a date without a year is the latest one not after today."""
    prepared, _ = written_out(normalize(text).text)
    return next((named.day for named in named_days(prepared, today)), None)


def written_out(text: str) -> Tuple[str, List[Tuple[int, int]]]:
    """`text` with the readings ja_timex does not know written out, and per character its span in `text`."""
    parts: List[str] = []
    origin: List[Tuple[int, int]] = []
    cursor = 0
    for match in _READING_RE.finditer(text):
        parts.append(text[cursor : match.start()])
        origin.extend((k, k + 1) for k in range(cursor, match.start()))
        written = _READINGS[match.group()]
        parts.append(written)
        origin.extend([match.span()] * len(written))
        cursor = match.end()
    parts.append(text[cursor:])
    origin.extend((k, k + 1) for k in range(cursor, len(text)))
    return "".join(parts), origin


def named_days(prepared: str, today: date) -> Iterator[NamedDay]:
    """Each expression of `prepared` (written out) that names one calendar day, in order."""
    try:
        timexes = TimexParser().parse(prepared)
    except Exception:  # third-party regex and number code run on arbitrary customer text
        return
    i = 0
    while i < len(timexes):
        timex = timexes[i]
        following = timexes[i + 1] if i + 1 < len(timexes) else None
        try:
            relative = _weekday_of_relative_week(timex, following, prepared, today)
            day = relative or _resolve(timex, today)
        except (ValueError, OverflowError):  # 2月30日, 0年1月1日, 10000000日前: no calendar day
            day = None
        if day is None:
            i += 1
            continue
        # 先週の金曜日 is two timexes; in 11/5(木) the weekday restates the date, it is no second day.
        last = (
            following
            if following is not None and (relative or _restates_weekday(timex, following, prepared))
            else timex
        )
        i += 2 if last is following else 1
        yield NamedDay(day, timex.raw_span[0], last.raw_span[1])


def _restates_weekday(timex: TIMEX, following: Optional[TIMEX], prepared: str) -> bool:
    return (
        following is not None
        and "calendar_day" in timex.parsed
        and "weekday" in following.parsed
        and not prepared[timex.raw_span[1] : following.raw_span[0]].strip()
    )


def _weekday_of_relative_week(timex: TIMEX, following: Optional[TIMEX], prepared: str, today: date) -> Optional[date]:
    """先週の金曜日, 来週月曜: ja_timex gives a duration in weeks and, separately, the weekday."""
    if following is None or "weekday" not in following.parsed:
        return None
    weeks = _whole_number(timex.parsed.get("week"))
    if weeks is None or timex.mod not in _SIGN:
        return None
    gap = prepared[timex.raw_span[1] : following.raw_span[0]].strip()
    if gap not in ("", "の"):
        return None
    in_week = today + timedelta(weeks=_SIGN[timex.mod] * weeks)
    monday = in_week - timedelta(days=in_week.weekday())
    return monday + timedelta(days=_WEEKDAYS.index(following.parsed["weekday"]))


def _resolve(timex: TIMEX, today: date) -> Optional[date]:
    if timex.type == "DATE":
        if "weekday" in timex.parsed:
            return _latest_weekday(_WEEKDAYS.index(timex.parsed["weekday"]), today)
        return _calendar_date(timex.parsed, today)
    if timex.type == "DURATION":
        return _relative_day(timex, today)
    return None


def _latest_weekday(weekday: int, today: date) -> date:
    return today - timedelta(days=(today.weekday() - weekday) % 7)


def _calendar_date(parsed: dict, today: date) -> Optional[date]:
    month = _whole_number(parsed.get("calendar_month"))
    day = _whole_number(parsed.get("calendar_day"))
    if month is None or day is None:  # 11月 or 5日 alone: not one day
        return None
    year = _whole_number(parsed.get("calendar_year"))
    if year is not None:
        return date(year, month, day)
    for back in range(_LEAP_SEARCH_YEARS):
        try:
            candidate = date(today.year - back, month, day)
        except ValueError:  # 29 February outside a leap year, or 2月30日 in every year
            continue
        if candidate <= today:
            return candidate
    return None


def _relative_day(timex: TIMEX, today: date) -> Optional[date]:
    parsed = timex.parsed
    if timex.mod not in _SIGN or parsed.get("half_suffix"):  # 3日半前: ja_timex keeps only the 3
        return None
    amounts = {unit: _whole_number(parsed[unit]) for unit in _CALENDAR_UNITS if unit in parsed}
    units = {unit: amount for unit, amount in amounts.items() if amount is not None}
    if not units or len(units) < len(amounts):  # 1.5日前
        return None
    if set(units) != {"day"} and not any(suffix in parsed for suffix in _DAY_SUFFIXES):
        return None
    sign = _SIGN[timex.mod]
    return today + relativedelta(**{unit + "s": sign * amount for unit, amount in units.items()})


def _whole_number(value: Optional[str]) -> Optional[int]:
    return int(value) if value is not None and re.fullmatch(r"[0-9]+", value) else None
