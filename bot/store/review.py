"""The review queue: customer messages read back from Rasa's tracker store, and the labels supervisors
give them, kept in the bot's database.

Rasa's `events` table is read with one query that keeps only the messages the rules of
bot.store.review_rules could queue, each with the customer's next message (the query narrows, the
rules decide). The labels live in the bot's database, which may be another server, so labelled
messages are left out here rather than in the query.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Dict, Iterable, List, Optional, Sequence, Set, Tuple

from sqlalchemy import Float, and_, case, cast, func, inspect, or_, select
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.domain import clock
from bot.domain.clock import JST
from bot.store import models as m
from bot.store.analytics import COUNTED_EVENTS, EVENTS, UNKNOWN_CHANNEL, bot_listening
from bot.store.outcomes import FALLBACK_INTENTS
from bot.store.repository import StoreError
from bot.store.review_rules import (
    CORRECTION_INTENTS,
    CORRECTION_WORDS,
    GUIDE_QUESTION,
    IGNORE,
    NOT_ANSWERED,
    UNSURE_ANSWER_BELOW,
    UNSURE_INTENT_BELOW,
    Reading,
    Reason,
    Reply,
    masked,
    reasons,
    typed,
)

# The newest this many are shown and grouped: the encoder reads each (10-30 ms a message here).
MAX_SHOWN = 200
# Bound parameter lists (SQLite allows 999 in older builds).
_CHUNK = 500


class UnknownMessage(StoreError):
    """No customer message of the tracker store has this id."""


class AlreadyLabelled(StoreError):
    """Someone labelled the message first: a message is labelled once."""


@dataclass(frozen=True)
class QueuedMessage:
    id: int  # the event's id in Rasa's tracker store
    sender_id: str
    at: float  # Unix time
    channel: str
    text: str  # masked
    intent: Optional[str]
    confidence: Optional[float]
    guide_answer: Optional[str]  # faq/<key> the bot chose, for a guide question
    reasons: Tuple[Reason, ...]
    reply: Optional[str]  # the customer's next message, masked, when it said the answer was wrong


# One ResponseSelector is trained for every guide answer, so Rasa files it as "default"
# (bot.support.guide_answers reads it the same way).
_SELECTORS = (GUIDE_QUESTION, "default")


def _json_text(data, path: Tuple[str, ...], dialect: str):
    # Rasa keeps each event as JSON text: PostgreSQL must be told it is JSON, SQLite reads it as it is.
    if dialect == "postgresql":
        return cast(data, postgresql.JSON)[path].astext
    return func.json_extract(data, "$." + ".".join(path))


def _json_number(data, path: Tuple[str, ...], dialect: str):
    return cast(_json_text(data, path, dialect), Float)


def _start(day: date) -> float:
    return datetime.combine(day, datetime.min.time(), JST).timestamp()


def queued_messages(
    session: Session, tracker: Engine, first_day: date, last_day: date, limit: int = MAX_SHOWN
) -> Tuple[List[QueuedMessage], int]:
    """The newest `limit` messages of those days (Japan time) waiting for a label, newest first, and
    how many wait in all."""
    if not inspect(tracker).has_table("events"):
        return [], 0  # Rasa creates it with the first conversation
    query = _candidates_query(tracker.dialect.name, _start(first_day), _start(last_day + timedelta(days=1)))
    with tracker.connect() as connection:
        rows = connection.execute(query).fetchall()
    found = [message for message in map(_queued, rows) if message is not None]
    done = labelled(session, [(message.id, message.sender_id) for message in found])
    waiting = [message for message in found if (message.id, message.sender_id) not in done]
    waiting.sort(key=lambda message: (message.at, message.id), reverse=True)
    return waiting[:limit], len(waiting)


def _candidates_query(dialect: str, start: float, end: float):
    e = EVENTS
    so_far = {"partition_by": e.c.sender_id, "order_by": e.c.id}

    def latest(kind: str):
        return func.max(case((e.c.type_name == kind, e.c.id))).over(**so_far)

    # Each event learns its session, the latest pause and resume, and the latest form event before it.
    marked = (
        select(
            e.c.id,
            e.c.sender_id,
            e.c.type_name,
            e.c.timestamp,
            e.c.intent_name,
            latest("session_started").label("session_id"),
            latest("pause").label("paused_at"),
            latest("resume").label("resumed_at"),
            latest("active_loop").label("loop_at"),
        )
        .where(COUNTED_EVENTS, e.c.timestamp >= start)
        .subquery("marked")
    )
    k = marked.c
    to_bot = case((bot_listening(k), 1), else_=0)
    after = {"partition_by": k.sender_id, "order_by": k.id}
    # Each customer message with the next one of the same customer.
    messages = (
        select(
            k.id,
            k.sender_id,
            k.timestamp,
            k.intent_name,
            k.session_id,
            to_bot.label("to_bot"),
            func.lead(k.id).over(**after).label("reply_id"),
            func.lead(k.intent_name).over(**after).label("reply_intent"),
            func.lead(k.session_id).over(**after).label("reply_session_id"),
            func.lead(to_bot).over(**after).label("reply_to_bot"),
            func.lead(k.loop_at).over(**after).label("reply_loop_at"),
        )
        .where(k.type_name == "user")
        .subquery("messages")
    )
    u = messages.c
    own, reply = EVENTS.alias("own"), EVENTS.alias("reply")
    answer_confidence = func.coalesce(
        *(
            _json_number(own.c.data, ("parse_data", "response_selector", name, "response", "confidence"), dialect)
            for name in _SELECTORS
        )
    )
    # What the rules read in the events' JSON, read once per message: PostgreSQL parses the JSON text
    # again for every use of it, and a condition naming a value twelve times did so twelve times.
    read = (
        select(
            u.id,
            u.sender_id,
            u.timestamp,
            u.session_id,
            u.to_bot,
            u.intent_name,
            u.reply_id,
            u.reply_intent,
            u.reply_session_id,
            u.reply_to_bot,
            u.reply_loop_at,
            _json_number(own.c.data, ("parse_data", "intent", "confidence"), dialect).label("confidence"),
            case((u.intent_name == GUIDE_QUESTION, answer_confidence)).label("answer_confidence"),
            # Only an answer can be corrected.
            case(
                (
                    and_(u.reply_id.is_not(None), u.intent_name.not_in(sorted(NOT_ANSWERED))),
                    _json_text(reply.c.data, ("text",), dialect),
                )
            ).label("reply_text"),
        )
        .select_from(messages.join(own, own.c.id == u.id).outerjoin(reply, reply.c.id == u.reply_id))
        .where(u.timestamp < end)
        .cte("read")
        .prefix_with("MATERIALIZED", dialect="postgresql")
    )
    r = read.c
    could_be_queued = or_(
        r.intent_name.in_(sorted(FALLBACK_INTENTS)),
        r.confidence < UNSURE_INTENT_BELOW,
        r.answer_confidence < UNSURE_ANSWER_BELOW,
        r.reply_intent.in_(sorted(CORRECTION_INTENTS)),
        *(r.reply_text.like(f"%{word}%") for word in CORRECTION_WORDS),
    )
    data, reply_loop = EVENTS.alias("data"), EVENTS.alias("reply_loop")
    # A loop event names the form it starts and an empty name ends it; one of an earlier session is over.
    form_waiting = case(
        (and_(reply_loop.c.action_name.is_not(None), r.reply_loop_at > func.coalesce(r.reply_session_id, 0)), 1),
        else_=0,
    )
    return (
        select(
            r.id,
            r.sender_id,
            r.timestamp,
            r.session_id,
            r.to_bot,
            data.c.data,
            r.reply_id,
            r.reply_intent,
            r.reply_session_id,
            r.reply_to_bot,
            r.reply_text,
            form_waiting.label("form_waiting"),
        )
        .select_from(read.join(data, data.c.id == r.id).outerjoin(reply_loop, reply_loop.c.id == r.reply_loop_at))
        .where(could_be_queued)
        .order_by(r.id)
    )


def _guide_answer(parse_data: Dict[str, Any]) -> Tuple[Optional[str], Optional[float]]:
    """faq/<key> and confidence of the answer chosen for a message read as a guide question."""
    if (parse_data.get("intent") or {}).get("name") != GUIDE_QUESTION:
        return None, None
    selectors = parse_data.get("response_selector") or {}
    for name in _SELECTORS:
        response = (selectors.get(name) or {}).get("response") or {}
        if response.get("intent_response_key"):
            return response["intent_response_key"], response.get("confidence")
    return None, None


def _queued(row) -> Optional[QueuedMessage]:
    """The message if it is queued: written to the bot (not to an agent) and with a reason."""
    if not row.to_bot:
        return None
    data = json.loads(row.data)
    parse_data = data.get("parse_data") or {}
    intent = parse_data.get("intent") or {}
    answer, answer_confidence = _guide_answer(parse_data)
    reading = Reading(data.get("text") or "", intent.get("name"), intent.get("confidence"), answer_confidence)
    reply = None
    if row.reply_id is not None and row.reply_to_bot and row.reply_session_id == row.session_id:
        reply = Reply(row.reply_text or "", row.reply_intent, bool(row.form_waiting))
    why = reasons(reading, reply)
    if not why:
        return None
    return QueuedMessage(
        id=row.id,
        sender_id=row.sender_id,
        at=row.timestamp,
        channel=data.get("input_channel") or UNKNOWN_CHANNEL,
        text=masked(reading.text),
        intent=reading.intent,
        confidence=reading.confidence,
        guide_answer=answer,
        reasons=why,
        reply=masked(reply.text) if reply is not None and Reason.CORRECTED in why else None,
    )


def _chunks(values: Sequence, size: int = _CHUNK) -> Iterable[Sequence]:
    for index in range(0, len(values), size):
        yield values[index : index + size]


def labelled(session: Session, messages: Sequence[Tuple[int, str]]) -> Set[Tuple[int, str]]:
    """Which of these (event id, sender id) have a label."""
    wanted = set(messages)
    found: Set[Tuple[int, str]] = set()
    for ids in _chunks(sorted({event_id for event_id, _ in wanted})):
        rows = session.execute(
            select(m.ReviewLabel.event_id, m.ReviewLabel.sender_id).where(m.ReviewLabel.event_id.in_(ids))
        )
        found.update(key for key in map(tuple, rows) if key in wanted)
    return found


def label_messages(session: Session, tracker: Engine, event_ids: Sequence[int], label: str, supervisor: str) -> int:
    """Label these customer messages (all or none) and say how many; the label must be checked by the caller."""
    ids = sorted(set(event_ids))
    rows = _customer_messages(tracker, ids)
    texts = {row.id: json.loads(row.data).get("text") or "" for row in rows}
    unknown = [event_id for event_id in ids if not typed(texts.get(event_id, ""))]
    if unknown:
        raise UnknownMessage(unknown[0])
    if labelled(session, [(row.id, row.sender_id) for row in rows]):
        raise AlreadyLabelled(ids)
    now = clock.now()
    for row in rows:
        parse_data = json.loads(row.data).get("parse_data") or {}
        answer, _ = _guide_answer(parse_data)
        session.add(
            m.ReviewLabel(
                event_id=row.id,
                sender_id=row.sender_id,
                text=masked(texts[row.id]),
                read_as=answer or (parse_data.get("intent") or {}).get("name"),
                label=label,
                written_at=datetime.fromtimestamp(row.timestamp, JST),
                labelled_by=supervisor,
                labelled_at=now,
            )
        )
    try:
        session.flush()
    except IntegrityError:  # another supervisor's label of the same message won the race
        raise AlreadyLabelled(ids) from None
    return len(rows)


def _customer_messages(tracker: Engine, ids: Sequence[int]) -> list:
    if not ids or not inspect(tracker).has_table("events"):
        return []
    e = EVENTS
    rows = []
    with tracker.connect() as connection:
        for chunk in _chunks(ids):
            rows += connection.execute(
                select(e.c.id, e.c.sender_id, e.c.timestamp, e.c.data)
                .where(e.c.id.in_(chunk), e.c.type_name == "user")
                .order_by(e.c.id)
            ).fetchall()
    return rows


def labelled_examples(session: Session) -> List[Tuple[str, str]]:
    """(masked text, label) of the labelled messages, ignored ones left out, in the order they were labelled."""
    rows = session.execute(
        select(m.ReviewLabel.text, m.ReviewLabel.label)
        .where(m.ReviewLabel.label != IGNORE)
        .order_by(m.ReviewLabel.labelled_at, m.ReviewLabel.id)
    )
    return [tuple(row) for row in rows]
