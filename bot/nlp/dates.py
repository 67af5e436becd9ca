"""Date entities: the spans of a message that name one calendar day (11月5日, 昨日, 先週の金曜日).

bot.nlp.named_days.named_days finds them, the same walk the payment action takes its day
from, so the entity and the action always agree on what is a date. The value is the
surface text: which day it names depends on today, and that is the action's business.
"""

from __future__ import annotations

import re
from datetime import date
from typing import List, Tuple

from spacy.language import Language
from spacy.tokens import Doc

from bot.domain import clock
from bot.nlp.named_days import named_days, written_out

DATE = "date"
COMPONENT = "bot_date_entities"

# ja_timex costs about half a millisecond a message: skip it for text that cannot name a
# day (every day expression it knows has a digit, 日, 昨, 週, 月, 今 or 曜, or is おととい).
_MAY_NAME_A_DAY = re.compile(r"[0-9日昨週月今曜]|おととい")

# 11-05 in 注文番号 11-05-123 or 0120-11 in 0120-11-5555 is part of a longer code.
_NUMBER_BEFORE = re.compile(r"(?:[0-9A-Za-z]|[0-9][-/.:])$")
_NUMBER_AFTER = re.compile(r"[0-9A-Za-z]|[-/.:][0-9]")


def day_spans(text: str, today: date) -> List[Tuple[int, int]]:
    """[start, end) of every expression in normalized `text` that names one calendar day."""
    prepared, origin = written_out(text)
    spans: List[Tuple[int, int]] = []
    for named in named_days(prepared, today):
        start, end = origin[named.start][0], origin[named.end - 1][1]
        if not _NUMBER_BEFORE.search(text[:start]) and not _NUMBER_AFTER.match(text, end):
            spans.append((start, end))
    return spans


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
        # spaCy's stub types Doc.ents as a one-Span tuple; its setter takes any sequence of spans.
        doc.ents = sorted([*doc.ents, *found], key=lambda span: span.start)  # type: ignore[assignment]
    return doc
