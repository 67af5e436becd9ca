"""How long the analytics page takes to work out its figures over 100,000 conversations.

    .venv/bin/python bench/analytics.py                      # SQLite, and PostgreSQL when one answers
    .venv/bin/python bench/analytics.py --conversations 10000 --runs 3 --no-postgres

Seeds a scratch tracker store (Rasa's own `events` table, each row as Rasa's SQLTrackerStore
writes it) and a scratch bot database (tickets, ratings) with conversations of the shapes the
desk sees, spread over 30 days, each day's events interleaved as they arrive; then times
bot.store.analytics.report over the 30 days and over the last 7, median of --runs, first on
Rasa's table as Rasa makes it, then with the index the README suggests for large stores
(bot.store.analytics.EVENTS_INDEX). The scratch databases are removed at the end. PostgreSQL is
TEST_POSTGRES_URL (default postgresql://postgres@localhost:5432/postgres), as in the tests.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import secrets
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Callable, Iterator, List, Optional, Tuple

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")

from rasa.core.tracker_store import SQLTrackerStore  # noqa: E402
from rasa.shared.core.events import (  # noqa: E402
    ActionExecuted,
    ActiveLoop,
    BotUttered,
    ConversationPaused,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from sqlalchemy import create_engine, insert  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from bot.domain.clock import JST  # noqa: E402
from bot.store import analytics, db  # noqa: E402
from bot.store import models as m  # noqa: E402

POSTGRES_ADMIN_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@localhost:5432/postgres")
DAYS = 30
FIRST_DAY = date(2026, 10, 1)
LAST_DAY = FIRST_DAY + timedelta(days=DAYS - 1)
NOW = datetime.combine(LAST_DAY + timedelta(days=1), datetime.min.time(), JST) + timedelta(hours=9)
CHANNELS = (("socketio", 0.55), ("line", 0.35), ("rest", 0.10))
# Share of conversations of each shape (a returning customer's second session is one more conversation).
SHAPES = (
    ("faq", 0.38),
    ("form", 0.18),
    ("abandoned", 0.07),
    ("handoff", 0.12),
    ("fallbacks", 0.12),
    ("greeting_only", 0.13),
)
INTENTS = (
    "faq",
    "check_renewal",
    "payment_status",
    "sign_up",
    "manage_cc",
    "request_human",
    "inform",
    "affirm",
    "deny",
    "thank",
    "goodbye",
    "greet",
    "out_of_scope",
    "nlu_fallback",
    "rate_answer",
)
FAQ_KEYS = tuple(f"faq/renewal_topic_{n}" for n in range(15)) + tuple(f"faq/portal_topic_{n}" for n in range(15))
REASONS = ("customer_asked", "repeated_fallback", "verification_failed", "payment_overdue", "frustration")
QUESTION = "振込用紙はいつ届きますか。先月申し込んだのですが、まだ届いていません。"
ANSWER = "振込用紙はお申し込みから1〜2週間でお届けします。" * 3

Row = Tuple[str, str, float, Optional[str], Optional[str], str]


def rasa_row(sender_id: str, event) -> Row:
    """The row Rasa's SQLTrackerStore.save writes for `event`."""
    data = event.as_dict()
    return (
        sender_id,
        event.type_name,
        data.get("timestamp"),
        data.get("parse_data", {}).get("intent", {}).get("name"),
        data.get("name"),
        json.dumps(data),
    )


def user(text: str, intent: str, channel: str, at: float, rng: random.Random) -> UserUttered:
    """A message with the parse data the bot's pipeline leaves: ranking, and the FAQ selector's for FAQs."""
    ranking = [{"name": name, "confidence": round(rng.random() / 10, 4)} for name in rng.sample(INTENTS, 10)]
    parse = {
        "intent": {"name": intent, "confidence": 0.93},
        "entities": [],
        "text": text,
        "intent_ranking": [{"name": intent, "confidence": 0.93}, *ranking[:9]],
    }
    if intent == "faq":
        key = rng.choice(FAQ_KEYS)
        parse["response_selector"] = {
            "all_retrieval_intents": ["faq"],
            "faq": {
                "response": {
                    "responses": [{"text": ANSWER}],
                    "confidence": 0.91,
                    "intent_response_key": key,
                    "utter_action": f"utter_{key}",
                },
                "ranking": [{"confidence": 0.01, "intent_response_key": other} for other in rng.sample(FAQ_KEYS, 10)],
            },
        }
    return UserUttered(
        text,
        parse["intent"],
        [],
        parse,
        timestamp=at,
        input_channel=channel,
        message_id=secrets.token_hex(16),
        metadata={},
    )


class Conversation:
    """Rasa's events of one session, seconds apart, turns up to a minute apart."""

    def __init__(self, sender_id: str, channel: str, start: float, rng: random.Random) -> None:
        self.sender_id, self.channel, self.rng = sender_id, channel, rng
        self.at = start
        self.rows: List[Row] = []
        self.add(ActionExecuted("action_session_start", timestamp=self.at))
        self.add(SessionStarted(timestamp=self.at))
        self.add(SlotSet("session_started_metadata", None, timestamp=self.at))
        self.add(ActionExecuted("action_listen", timestamp=self.at))

    def add(self, event) -> None:
        self.rows.append(rasa_row(self.sender_id, event))

    def says(self, text: str, intent: str) -> None:
        self.at += self.rng.uniform(5, 60)
        self.add(user(text, intent, self.channel, self.at, self.rng))

    def answers(self, action: str, text: str = ANSWER) -> None:
        self.at += 0.05
        self.add(ActionExecuted(action, policy="RulePolicy", confidence=1.0, timestamp=self.at))
        if action.startswith("utter_"):
            self.add(
                BotUttered(
                    text,
                    data={"buttons": None, "quick_replies": None},
                    metadata={"utter_action": action},
                    timestamp=self.at,
                )
            )
        self.add(ActionExecuted("action_listen", policy="RulePolicy", confidence=1.0, timestamp=self.at))

    def form(self, name: str, slots: int) -> None:
        self.add(ActionExecuted(name, timestamp=self.at))
        self.add(ActiveLoop(name, timestamp=self.at))
        for _ in range(slots):
            self.add(SlotSet("requested_slot", "serial_number", timestamp=self.at))
            self.answers("utter_ask_serial_number", "シリアル番号を教えてください。")
            self.says("VBCL-4821-7730-1956-2204", "inform")
            self.add(SlotSet("serial_number", "VBCL-4821-7730-1956-2204", timestamp=self.at))

    def form_done(self, name: str) -> None:
        self.add(ActionExecuted(name, timestamp=self.at))
        self.add(ActiveLoop(None, timestamp=self.at))

    def greet(self) -> None:
        if self.channel != "rest":
            self.says("/greet", "greet")
            self.answers("utter_greet", "こんにちは。サポートボットです。")

    def questions(self, count: int) -> None:
        for _ in range(count):
            self.says(QUESTION, "faq")
            self.answers("utter_faq/renewal_slip_arrival")


def conversation(shape: str, sender_id: str, channel: str, start: float, rng: random.Random):
    """The rows of one conversation, and the ticket reason and rating it leaves (or None)."""
    c = Conversation(sender_id, channel, start, rng)
    c.greet()
    reason, rating = None, None
    if shape == "faq":
        c.questions(rng.randint(1, 4))
    elif shape in ("form", "abandoned"):
        c.questions(rng.randint(0, 2))
        c.says("更新できるか確認したい", "check_renewal")
        c.form("renewal_check_form", slots=rng.randint(1, 3) if shape == "form" else rng.randint(0, 1))
        if shape == "form":
            c.form_done("renewal_check_form")
            c.answers("action_check_renewal")
    elif shape == "fallbacks":
        for _ in range(rng.randint(2, 5)):
            c.says("あれがこうなって困っています", rng.choice(("nlu_fallback", "out_of_scope", "faq")))
            c.answers("action_triage_unanswered")
    if shape in ("faq", "form", "fallbacks") and rng.random() < 0.4:
        c.says("ありがとうございました", "thank")
        c.answers("utter_ask_csat", "お役に立てましたか?")
        if rng.random() < 0.6:
            rating = rng.choice((1, 2, 3, 4, 4, 5, 5, 5))
            c.says(f'/rate_answer{{"csat_score": "{rating}"}}', "rate_answer")
            c.answers("action_record_csat")
    if shape == "handoff":
        c.questions(rng.randint(0, 2))
        reason = rng.choice(REASONS)
        c.says("担当者と話したいです", "request_human")
        c.add(SlotSet("handoff_reason", reason, timestamp=c.at))
        c.form("handoff_form", slots=rng.randint(1, 3))
        c.form_done("handoff_form")
        c.answers("action_create_ticket")
        c.add(ConversationPaused(timestamp=c.at))
        for _ in range(rng.randint(0, 3)):
            c.says("よろしくお願いします", "greet")
            c.answers("utter_agent_words", "担当者: 確認いたします。")
    return c.rows, reason, c.at, rating


def pick(rng: random.Random, weighted) -> str:
    return rng.choices([name for name, _ in weighted], [weight for _, weight in weighted])[0]


def seed(tracker_url: str, database_url: str, total: int, rng: random.Random) -> int:
    """`total` conversations into the scratch databases; returns how many events were written."""
    SQLTrackerStore(host=tracker_url).engine.dispose()  # Rasa makes its table and index itself
    db.upgrade_to_head(database_url)
    tracker = create_engine(tracker_url, future=True)
    events_table = SQLTrackerStore.SQLEvent.__table__
    per_day = total // DAYS
    returning: List[Tuple[str, str]] = []
    written = 0
    for day_number in range(DAYS):
        day_start = datetime.combine(FIRST_DAY + timedelta(days=day_number), datetime.min.time(), JST).timestamp()
        rows: List[Row] = []
        tickets, ratings = [], []
        for _ in range(per_day):
            if returning and rng.random() < 0.1:
                sender_id, channel = returning.pop(rng.randrange(len(returning)))
            else:
                channel = pick(rng, CHANNELS)
                sender_id = f"{channel}-{secrets.token_hex(8)}"
            # Busier in office hours: most conversations start between 8:00 and 20:00.
            start = day_start + (rng.uniform(8, 20) if rng.random() < 0.85 else rng.uniform(0, 24)) * 3600
            shape = pick(rng, SHAPES)
            events, reason, ended, rating = conversation(shape, sender_id, channel, start, rng)
            rows += events
            if reason:
                tickets.append(
                    dict(
                        sender_id=sender_id,
                        channel=channel,
                        category="その他",
                        priority="normal",
                        status="closed",
                        summary="【その他】お客さまが担当者との対応を希望。",
                        fields=json.dumps({"reason": reason}),
                        transcript="[]",
                        conversation_offset=len(events),
                        created_at=datetime.fromtimestamp(ended, JST),
                        updated_at=datetime.fromtimestamp(ended, JST),
                    )
                )
            if rating:
                ratings.append(
                    dict(
                        sender_id=sender_id,
                        channel=channel,
                        score=rating,
                        session_started_at=datetime.fromtimestamp(start, JST),
                        created_at=datetime.fromtimestamp(ended, JST),
                    )
                )
            if rng.random() < 0.15:
                returning.append((sender_id, channel))
        # Events reach the table as they happen: the conversations of a day are interleaved.
        rows.sort(key=lambda row: row[2])
        keys = ("sender_id", "type_name", "timestamp", "intent_name", "action_name", "data")
        with tracker.begin() as connection:
            for start_at in range(0, len(rows), 5000):
                batch = rows[start_at : start_at + 5000]
                connection.execute(insert(events_table), [dict(zip(keys, row)) for row in batch])
        with db.session_scope(database_url) as session:
            if tickets:
                session.execute(insert(m.Ticket), tickets)
            if ratings:
                session.execute(insert(m.CsatRating), ratings)
        written += len(rows)
    tracker.dispose()
    return written


def timed(work: Callable[[], dict], runs: int) -> Tuple[float, dict]:
    times, result = [], {}
    for _ in range(runs):
        started = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def measure(name: str, url: str, total: int, runs: int, rng: random.Random) -> None:
    started = time.perf_counter()
    events = seed(url, url, total, rng)
    print(f"{name}: {total:,} conversations, {events:,} events seeded in {time.perf_counter() - started:.0f} s")
    tracker = db.get_engine(url)
    for indexed in (False, True):
        if indexed:
            started = time.perf_counter()
            add_index(url)
            print(f"  {analytics.EVENTS_INDEX.split(' ON ')[0]}: built in {time.perf_counter() - started:.0f} s")
        for label, first in (("30 days", FIRST_DAY), ("last 7 days", LAST_DAY - timedelta(days=6))):
            # timed() runs it before the loop moves on, so `first` is this round's.
            def work() -> dict:
                with db.session_scope(url) as session:
                    return analytics.report(session, tracker, first, LAST_DAY, NOW)  # noqa: B023

            median, found = timed(work, runs)
            total_figures = found["total"]
            print(
                f"  {label}, {'with' if indexed else 'without'} the index: median {median:.2f} s over {runs} runs "
                f"({total_figures['engaged']:,} engaged, {total_figures['handed_over']:,} handed over, "
                f"{total_figures['abandoned']:,} abandoned, fallback rate {total_figures['fallback_rate']}, "
                f"CSAT {total_figures['csat_count']:,} × {total_figures['csat_mean']})"
            )
    db.dispose_engines()


def add_index(url: str) -> None:
    """The suggested index, and fresh statistics (and, on PostgreSQL, the visibility map that lets
    the query read the index alone), as the databases' own maintenance would leave them."""
    engine = create_engine(url, future=True, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.exec_driver_sql(analytics.EVENTS_INDEX)
        connection.exec_driver_sql("VACUUM ANALYZE events" if engine.dialect.name == "postgresql" else "ANALYZE")
    engine.dispose()


def scratch_postgres() -> Iterator[Optional[str]]:
    admin = create_engine(
        POSTGRES_ADMIN_URL, future=True, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 5}
    )
    try:
        with admin.connect():
            pass
    except Exception as error:  # noqa: BLE001 - reported and skipped, as the tests do locally
        print(f"PostgreSQL at {make_url(POSTGRES_ADMIN_URL)!r} is unreachable ({type(error).__name__}): skipped")
        yield None
        return
    name = f"bench_analytics_{secrets.token_hex(4)}"
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield make_url(POSTGRES_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        db.dispose_engines()
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}"')
        admin.dispose()


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-analytics-") as scratch:
        measure("SQLite", f"sqlite:///{Path(scratch) / 'bench.db'}", args.conversations, args.runs, random.Random(13))
    if not args.no_postgres:
        for url in scratch_postgres():
            if url:
                measure("PostgreSQL", url, args.conversations, args.runs, random.Random(13))
    return 0


if __name__ == "__main__":
    sys.exit(main())
