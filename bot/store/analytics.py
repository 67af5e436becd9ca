"""The analytics page's figures, per day (Japan time) and channel, from Rasa's tracker store, the tickets
and the satisfaction ratings.

A conversation is one Rasa session of a customer: from its `session_started` event to the
next (Rasa starts a new one after an hour of silence). It counts on the day it started and in
the channel of its first message. Rasa's `events` table is read with one aggregate query that
returns a row per engaged conversation, never the events themselves. Tickets and ratings live in
the bot's database, which may be another server, so they are matched to the conversations here.
"""

from __future__ import annotations

import json
from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, Dict, Iterable, List, Optional, Tuple

from sqlalchemy import Float, Integer, String, Text, and_, case, cast, column, func, inspect, or_, select, table, text
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from bot.domain.clock import JST
from bot.store import models as m
from bot.store.outcomes import ABANDONED_AFTER_SECONDS, FALLBACK_INTENTS, GREETING, Figures, day_of, outcome

# A year at most: longer ranges are a job for an export, not for a page.
MAX_DAYS = 366
DEFAULT_DAYS = 14
# Dates a desk can have had conversations on; far ones would overflow the arithmetic of the query.
EARLIEST, LATEST = date(2000, 1, 1), date(2999, 12, 31)
UNKNOWN_REASON = "unknown"
UNKNOWN_CHANNEL = "unknown"
# A ticket is filed while its conversation runs; its time may lag the tracker's by a clock's drift.
CLOCK_SLACK_SECONDS = 60

CHANNEL_LABELS = {"socketio": "Webチャット", "line": "LINE", "rest": "REST API", UNKNOWN_CHANNEL: "不明"}
# bot.support.triage.REASON_LABELS (tests hold the two equal): importing triage would load the
# language layer, TensorFlow included, into the inbox.
REASON_LABELS = {
    "customer_asked": "お客さまが担当者との対応を希望",
    "repeated_fallback": "ボットがご質問を2回続けて理解できず",
    "verification_failed": "ご本人確認に3回失敗",
    "payment_overdue": "入金確認の目安を過ぎたお支払い",
    "threat_analysis": "脅威解析のご依頼",
    "product_trouble": "ガイドにない製品のトラブル",
    "frustration": "お客さまがご不満を表明",
    UNKNOWN_REASON: "理由の記録なし",
}

# Rasa's SQLTrackerStore table (rasa.core.tracker_store.SQLTrackerStore.SQLEvent), read only.
EVENTS = table(
    "events",
    column("id", Integer),
    column("sender_id", String),
    column("type_name", String),
    column("timestamp", Float),
    column("intent_name", String),
    column("action_name", String),
    column("data", Text),
)
# The only events the figures need, about a quarter of all. Literal SQL, so that a partial index
# with the same condition (EVENTS_INDEX) can serve the query on SQLite as on PostgreSQL.
_COUNTED_TYPES = "type_name IN ('user', 'session_started', 'pause', 'resume', 'active_loop')"
COUNTED_EVENTS = text(_COUNTED_TYPES)
# What the README suggests for large tracker stores (bench/analytics.py measures the gain): the
# query then reads this index alone, in the order it needs, instead of the whole table.
EVENTS_INDEX = (
    "CREATE INDEX IF NOT EXISTS ix_events_analytics "
    f"ON events (sender_id, id, type_name, timestamp, intent_name) WHERE {_COUNTED_TYPES}"
)


class BadRange(ValueError):
    """Dates the page or a tool asked for that cannot be read; the message is for the supervisor."""


def date_range(first: Optional[str], last: Optional[str], today: date) -> Tuple[date, date]:
    """The days asked for (YYYY-MM-DD, both included); without them the last two weeks."""
    last_day = today if last is None else _day(last, "終了日 (to)")
    first_day = last_day - timedelta(days=DEFAULT_DAYS - 1) if first is None else _day(first, "開始日 (from)")
    if first_day > last_day:
        raise BadRange("開始日 (from) は終了日 (to) より前の日付にしてください。")
    if (last_day - first_day).days + 1 > MAX_DAYS:
        raise BadRange(f"期間は{MAX_DAYS}日以内にしてください。")
    return first_day, last_day


def _day(text: str, name: str) -> date:
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise BadRange(f"{name} は YYYY-MM-DD の形の日付で指定してください (例: 2026-11-01)。") from None
    if not EARLIEST <= day <= LATEST:
        raise BadRange(f"{name} は {EARLIEST} から {LATEST} までの日付にしてください。")
    return day


# Compared and hashed as the object itself: tens of thousands go through dicts per report.
@dataclass(frozen=True, eq=False)
class Conversation:
    """An engaged conversation as the tracker store's aggregate gives it."""

    sender_id: str
    started: float
    last_message: float
    channel: str
    messages: int
    fallbacks: int
    form_open_at_end: bool


def _start(day: date) -> datetime:
    return datetime.combine(day, time(), JST)


def conversations(tracker: Engine, first_day: date, last_day: date) -> List[Conversation]:
    """The engaged conversations that started on those days, oldest first."""
    if not inspect(tracker).has_table("events"):
        return []  # Rasa creates it with the first conversation
    query = _conversations_query(
        tracker.dialect.name, _start(first_day).timestamp(), _start(last_day + timedelta(days=1)).timestamp()
    )
    with tracker.connect() as connection:
        rows = connection.execute(query).fetchall()
    return [
        Conversation(
            sender_id,
            started,
            last_message,
            channel or UNKNOWN_CHANNEL,
            int(messages),
            int(fallbacks),
            open_form is not None,
        )
        for sender_id, started, last_message, messages, fallbacks, channel, open_form in rows
    ]


def _conversations_query(dialect: str, start: float, end: float):
    e = EVENTS
    # Each event learns its session (the latest session_started before it) and whether the bot
    # was paused for a person at that point, in one pass over the conversation's events.
    so_far = {"partition_by": e.c.sender_id, "order_by": e.c.id}
    marked = (
        select(
            e.c.id,
            e.c.sender_id,
            e.c.type_name,
            e.c.timestamp,
            e.c.intent_name,
            func.max(case((e.c.type_name == "session_started", e.c.id))).over(**so_far).label("session_id"),
            func.max(case((e.c.type_name == "pause", e.c.id))).over(**so_far).label("paused_at"),
            func.max(case((e.c.type_name == "resume", e.c.id))).over(**so_far).label("resumed_at"),
        )
        .where(COUNTED_EVENTS, e.c.timestamp >= start)
        .subquery("marked")
    )
    k = marked.c
    # What the customer wrote to the bot: not the opening greeting, not words to an agent.
    to_bot = and_(k.type_name == "user", func.coalesce(k.intent_name, "") != GREETING, bot_listening(k))
    messages = func.sum(case((to_bot, 1), else_=0))
    started = func.max(case((k.id == k.session_id, k.timestamp)))
    sessions = (
        select(
            k.sender_id,
            started.label("started"),
            func.max(case((k.type_name == "user", k.timestamp))).label("last_message"),
            messages.label("messages"),
            func.sum(case((and_(to_bot, k.intent_name.in_(sorted(FALLBACK_INTENTS))), 1), else_=0)).label("fallbacks"),
            func.min(case((to_bot, k.id))).label("first_message_id"),
            func.max(case((k.type_name == "active_loop", k.id))).label("last_loop_id"),
        )
        .where(k.session_id.is_not(None))
        .group_by(k.sender_id, k.session_id)
        .having(and_(messages > 0, started < end))
        .subquery("sessions")
    )
    first_message, last_loop = EVENTS.alias("first_message"), EVENTS.alias("last_loop")
    s = sessions.c
    return (
        select(
            s.sender_id,
            s.started,
            s.last_message,
            s.messages,
            s.fallbacks,
            _input_channel(first_message.c.data, dialect).label("channel"),
            # A loop event names the form it starts; an empty name ends it.
            last_loop.c.action_name.label("open_form"),
        )
        .select_from(
            sessions.join(first_message, first_message.c.id == s.first_message_id).outerjoin(
                last_loop, last_loop.c.id == s.last_loop_id
            )
        )
        .order_by(s.started)
    )


def bot_listening(k):
    """Whether the bot, not an agent, had the conversation at each event marked with its session and
    latest pause and resume: never paused in this session, or resumed since."""
    return or_(k.paused_at.is_(None), k.paused_at < k.session_id, k.paused_at < k.resumed_at)


def _input_channel(data, dialect: str):
    # Rasa keeps each event as JSON text: PostgreSQL must be told it is JSON, SQLite reads it as it is.
    if dialect == "postgresql":
        return cast(data, postgresql.JSON)["input_channel"].astext
    return func.json_extract(data, "$.input_channel")


def tickets_by_sender(session: Session, first_day: date, last_day: date) -> Dict[str, List[Tuple[float, str]]]:
    """(filed at, reason) of each conversation's tickets, oldest first; a conversation may run past midnight."""
    rows = session.execute(
        select(m.Ticket.sender_id, m.Ticket.created_at, m.Ticket.fields)
        .where(m.Ticket.created_at >= _start(first_day), m.Ticket.created_at < _start(last_day + timedelta(days=2)))
        .order_by(m.Ticket.created_at, m.Ticket.id)
    )
    found: Dict[str, List[Tuple[float, str]]] = defaultdict(list)
    for sender_id, created_at, fields in rows:
        found[sender_id].append((created_at.timestamp(), json.loads(fields).get("reason") or UNKNOWN_REASON))
    return found


def handoff_reasons(
    found: Iterable[Conversation], tickets: Dict[str, List[Tuple[float, str]]]
) -> Dict[Conversation, str]:
    """The conversations a ticket was filed in, with the first ticket's reason.

    A ticket belongs to its customer's conversation that had started when it was filed and
    had not gone quiet before.
    """
    by_sender: Dict[str, List[Conversation]] = defaultdict(list)
    for conversation in found:
        by_sender[conversation.sender_id].append(conversation)
    handed_over: Dict[Conversation, str] = {}
    for sender_id, filed in tickets.items():
        theirs = sorted(by_sender.get(sender_id, ()), key=lambda c: c.started)
        starts = [c.started for c in theirs]
        for filed_at, reason in filed:
            index = bisect_right(starts, filed_at) - 1
            if index >= 0 and filed_at <= theirs[index].last_message + CLOCK_SLACK_SECONDS:
                handed_over.setdefault(theirs[index], reason)
    return handed_over


def ratings(session: Session, first_day: date, last_day: date) -> List[Tuple[date, str, int]]:
    """(day, channel, score) of the ratings of conversations that started on those days."""
    rows = session.execute(
        select(m.CsatRating.session_started_at, m.CsatRating.channel, m.CsatRating.score).where(
            m.CsatRating.session_started_at >= _start(first_day),
            m.CsatRating.session_started_at < _start(last_day + timedelta(days=1)),
        )
    )
    return [(day_of(started), channel, score) for started, channel, score in rows]


def report(session: Session, tracker: Engine, first_day: date, last_day: date, now: datetime) -> Dict[str, Any]:
    """The figures of the analytics page and API, each day and channel, per day, per channel and in all."""
    found = conversations(tracker, first_day, last_day)
    handed_over = handoff_reasons(found, tickets_by_sender(session, first_day, last_day))
    cells: Dict[Tuple[date, str], Figures] = defaultdict(Figures)
    for conversation in found:
        ended = outcome(
            conversation in handed_over, conversation.form_open_at_end, now.timestamp() - conversation.last_message
        )
        cells[day_of(conversation.started), conversation.channel].add_conversation(
            ended, handed_over.get(conversation), conversation.messages, conversation.fallbacks
        )
    for day, channel, score in ratings(session, first_day, last_day):
        cells[day, channel].add_rating(score)

    days = [first_day + timedelta(days=n) for n in range((last_day - first_day).days + 1)]
    channels = sorted({channel for _, channel in cells})
    by_day = {day: Figures() for day in days}
    by_channel = {channel: Figures() for channel in channels}
    total = Figures()
    for (day, channel), figures in cells.items():
        by_day[day] += figures
        by_channel[channel] += figures
        total += figures
    return {
        "from": first_day.isoformat(),
        "to": last_day.isoformat(),
        "abandoned_after_minutes": ABANDONED_AFTER_SECONDS // 60,
        "total": total.as_json(),
        "by_day": [{"day": day.isoformat(), **by_day[day].as_json()} for day in days],
        "by_channel": [{"channel": channel, **by_channel[channel].as_json()} for channel in channels],
        "by_day_and_channel": [
            {"day": day.isoformat(), "channel": channel, **cells[day, channel].as_json()}
            for day, channel in sorted(cells)
        ],
        "labels": {
            "channels": {channel: CHANNEL_LABELS.get(channel, channel) for channel in channels},
            "reasons": {reason: REASON_LABELS.get(reason, reason) for reason in sorted(total.reasons)},
        },
    }
