"""Date entities: the spans of a message that name one calendar day (11月5日, 昨日, 先週の金曜日).

ja_timex finds the time expressions and bot.support.dates decides which of them name a
day, so the entity and the payment action (which reads the day from the same text
against today) always agree on what is a date. The value is the surface text: which
day it names depends on today, and that is the action's business.
"""

from __future__ import annotations

import re
from datetime import date
from typing import List, Optional, Tuple

from ja_timex import TimexParser
from ja_timex.tag import TIMEX
from spacy.language import Language
from spacy.tokens import Doc

from bot import clock

# The payment action's own steps (readings, 先週+金曜日, one timex to one day), shared
# so that the entity and the action cannot drift apart.
from bot.support.dates import READINGS, resolve_timex, weekday_of_relative_week

DATE = "date"
COMPONENT = "bot_date_entities"

# ja_timex costs about half a millisecond a message: skip it for text that cannot name a
# day (every day expression it knows has a digit, 日, 昨, 週, 月, 今 or 曜, or is おととい).
_MAY_NAME_A_DAY = re.compile(r"[0-9日昨週月今曜]|おととい")

# Alternation in READINGS' order, longest first, as bot.support.dates replaces them.
_READING_RE = re.compile("|".join(reading for reading, _ in READINGS))
_WRITTEN = dict(READINGS)

# 11-05 in 注文番号 11-05-123 or 0120-11 in 0120-11-5555 is part of a longer code.
_NUMBER_BEFORE = re.compile(r"(?:[0-9A-Za-z]|[0-9][-/.:])$")
_NUMBER_AFTER = re.compile(r"[0-9A-Za-z]|[-/.:][0-9]")


def day_spans(text: str, today: date) -> List[Tuple[int, int]]:
    """[start, end) of every expression in normalized `text` that names one calendar day."""
    prepared, origin = _written_out(text)
    try:
        timexes = TimexParser().parse(prepared)
    except Exception:  # third-party regex and number code run on arbitrary customer text
        return []
    spans: List[Tuple[int, int]] = []
    i = 0
    while i < len(timexes):
        timex = timexes[i]
        following = timexes[i + 1] if i + 1 < len(timexes) else None
        last = _last_of_day_expression(timex, following, prepared, today)
        if last is None:
            i += 1
            continue
        i += 1 if last is timex else 2
        start, end = origin[timex.raw_span[0]][0], origin[last.raw_span[1] - 1][1]
        if not _NUMBER_BEFORE.search(text[:start]) and not _NUMBER_AFTER.match(text, end):
            spans.append((start, end))
    return spans


def _last_of_day_expression(
    timex: TIMEX, following: Optional[TIMEX], prepared: str, today: date
) -> Optional[TIMEX]:
    """The timex that ends the day expression starting at `timex`, or None if it names no day."""
    try:
        if weekday_of_relative_week(timex, following, prepared, today):
            return following
        if resolve_timex(timex, today) is None:
            return None
    except (ValueError, OverflowError):  # 2月30日, 10000000日前
        return None
    # 11/5(木): the weekday restates the date, it is not a second day.
    if (
        following is not None
        and "calendar_day" in timex.parsed
        and "weekday" in following.parsed
        and not prepared[timex.raw_span[1] : following.raw_span[0]].strip()
    ):
        return following
    return timex


def _written_out(text: str) -> Tuple[str, List[Tuple[int, int]]]:
    """`text` with the readings ja_timex does not know written out, and per character its span in `text`."""
    parts: List[str] = []
    origin: List[Tuple[int, int]] = []
    cursor = 0
    for match in _READING_RE.finditer(text):
        parts.append(text[cursor : match.start()])
        origin.extend((k, k + 1) for k in range(cursor, match.start()))
        written = _WRITTEN[match.group()]
        parts.append(written)
        origin.extend([match.span()] * len(written))
        cursor = match.end()
    parts.append(text[cursor:])
    origin.extend((k, k + 1) for k in range(cursor, len(text)))
    return "".join(parts), origin


@Language.component(COMPONENT)
def add_date_entities(doc: Doc) -> Doc:
    """Adds `date` entities after the entity ruler, never over an entity it found."""
    # The digits of a serial or activation code alone are no reason to run ja_timex.
    outside = "".join(token.text_with_ws for token in doc if not token.ent_type_)
    if not _MAY_NAME_A_DAY.search(outside):
        return doc
    taken = {i for ent in doc.ents for i in range(ent.start, ent.end)}
    found = []
    for start, end in day_spans(doc.text, clock.today()):
        span = doc.char_span(start, end, label=DATE, alignment_mode="expand")
        if span is not None and taken.isdisjoint(range(span.start, span.end)):
            found.append(span)
            taken.update(range(span.start, span.end))
    if found:
        doc.ents = sorted([*doc.ents, *found], key=lambda span: span.start)
    return doc
