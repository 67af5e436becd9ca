"""The analytics figures on SQLite and PostgreSQL: a known set of conversations, written by Rasa's own
tracker store, gives exactly the figures worked out by hand (tests/helpers/analytics_seed.py)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import event

from analytics_seed import EXPECTED_CELLS, EXPECTED_TOTAL, FIRST_DAY, LAST_DAY, NOW, figures, seed
from bot.store import analytics
from bot.store.db import get_engine, session_scope
from bot.store.outcomes import Figures, Outcome, outcome


@pytest.fixture
async def seeded(migrated_url):
    # Rasa's events table beside the bot's tables: one database serves both in each test.
    await seed(migrated_url, migrated_url)
    return migrated_url


def report(url, first=FIRST_DAY, last=LAST_DAY, now=NOW):
    with session_scope(url) as session:
        return analytics.report(session, get_engine(url), first, last, now)


def test_the_seeded_conversations_give_the_figures_worked_out_by_hand(seeded):
    found = report(seeded)
    cells = {(row.pop("day"), row.pop("channel")): row for row in found["by_day_and_channel"]}
    assert cells == EXPECTED_CELLS
    assert found["total"] == EXPECTED_TOTAL
    assert found["from"] == "2026-11-21" and found["to"] == "2026-11-22" and found["abandoned_after_minutes"] == 30


def test_days_and_channels_add_up_to_the_total(seeded):
    found = report(seeded, first=date(2026, 11, 20), last=date(2026, 11, 23))
    assert [row["day"] for row in found["by_day"]] == ["2026-11-20", "2026-11-21", "2026-11-22", "2026-11-23"]
    # The conversation that started on 11-20 is counted there, with its ticket; empty days show as zeros.
    assert found["by_day"][0] == {
        "day": "2026-11-20",
        **figures(engaged=1, handed_over=1, reasons={"customer_asked": 1}, messages=2),
    }
    assert found["by_day"][3] == {"day": "2026-11-23", **figures()}
    by_channel = {row.pop("channel"): row for row in found["by_channel"]}
    assert set(by_channel) == {"line", "rest", "socketio"}
    assert by_channel["line"] == figures(engaged=2, resolved=1, abandoned=1, messages=6, fallbacks=1, csat=(3,))
    for name in ("engaged", "resolved", "handed_over", "abandoned", "ongoing", "customer_messages", "fallbacks"):
        assert sum(row[name] for row in found["by_day"]) == found["total"][name]
        assert sum(row[name] for row in by_channel.values()) == found["total"][name]
    assert found["labels"]["channels"] == {"line": "LINE", "rest": "REST API", "socketio": "Webチャット"}
    assert found["labels"]["reasons"] == {
        "customer_asked": "お客さまが担当者との対応を希望",
        "repeated_fallback": "ボットがご質問を2回続けて理解できず",
    }


def test_a_later_clock_ends_the_quiet_conversation(seeded):
    later = report(seeded, now=NOW + timedelta(minutes=30))
    # The conversation in the middle of a form is abandoned once it has been quiet for 30 minutes.
    assert later["total"]["ongoing"] == 0 and later["total"]["abandoned"] == 2


def test_the_suggested_index_serves_the_query_and_changes_no_figure(seeded):
    engine = get_engine(seeded)
    with engine.begin() as connection:
        connection.exec_driver_sql(analytics.EVENTS_INDEX)
    executed = []

    def record(connection, cursor, statement, parameters, context, executemany):
        executed.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", record)
    try:
        assert report(seeded)["total"] == EXPECTED_TOTAL
    finally:
        event.remove(engine, "before_cursor_execute", record)
    if engine.dialect.name == "sqlite":  # PostgreSQL's planner rightly scans a table this small
        statement, parameters = next((sql, values) for sql, values in executed if " OVER " in sql)
        connection = engine.raw_connection()
        try:
            rows = connection.cursor().execute(f"EXPLAIN QUERY PLAN {statement}", parameters)
            plan = " ".join(row[-1] for row in rows)
        finally:
            connection.close()
        assert "COVERING INDEX ix_events_analytics" in plan, plan


def test_a_day_with_no_conversations_and_no_tracker_table_are_empty(migrated_url):
    found = report(migrated_url)
    assert found["total"] == figures() and found["by_day_and_channel"] == [] and found["by_channel"] == []


@pytest.mark.parametrize(
    "handed_over, form_open, quiet_minutes, expected",
    [
        (True, True, 5, Outcome.HANDED_OVER),
        (True, False, 90, Outcome.HANDED_OVER),
        (False, True, 29.9, Outcome.ONGOING),
        (False, False, 29.9, Outcome.ONGOING),
        (False, True, 30, Outcome.ABANDONED),
        (False, False, 30, Outcome.RESOLVED),
    ],
)
def test_outcome_of_a_conversation(handed_over, form_open, quiet_minutes, expected):
    assert outcome(handed_over, form_open, quiet_minutes * 60) is expected


def test_rates_are_worked_out_from_the_counts_not_averaged():
    total = Figures()
    for messages, fallbacks in ((1, 1), (99, 0)):
        part = Figures()
        part.add_conversation(Outcome.RESOLVED, None, messages, fallbacks)
        total += part
    assert total.fallback_rate() == 1.0 and Figures().fallback_rate() is None
    total.add_rating(5)
    total.add_rating(4)
    total.add_rating(4)
    assert total.csat_mean() == 4.33 and Figures().csat_mean() is None


@pytest.mark.parametrize(
    "first, last, today, expected",
    [
        (None, None, date(2026, 11, 22), (date(2026, 11, 9), date(2026, 11, 22))),
        ("2026-11-01", "2026-11-30", date(2026, 11, 22), (date(2026, 11, 1), date(2026, 11, 30))),
        ("2026-11-05", None, date(2026, 11, 22), (date(2026, 11, 5), date(2026, 11, 22))),
        ("2026-11-05", "2026-11-05", date(2026, 11, 22), (date(2026, 11, 5), date(2026, 11, 5))),
    ],
)
def test_the_range_asked_for(first, last, today, expected):
    assert analytics.date_range(first, last, today) == expected


@pytest.mark.parametrize(
    "first, last, message",
    [
        ("2026/11/01", "2026-11-30", "開始日 (from) は YYYY-MM-DD"),
        ("2026-11-01", "11月30日", "終了日 (to) は YYYY-MM-DD"),
        ("2026-02-30", "2026-03-01", "開始日 (from) は YYYY-MM-DD"),
        ("2026-11-30", "2026-11-01", "開始日 (from) は終了日 (to) より前"),
        ("2025-01-01", "2026-11-30", "366日以内"),
        ("0001-01-01", "0001-01-02", "2000-01-01 から 2999-12-31"),
        ("", "2026-11-30", "開始日 (from) は YYYY-MM-DD"),
    ],
)
def test_dates_that_cannot_be_read_are_refused_with_a_reason(first, last, message):
    with pytest.raises(analytics.BadRange, match=message.replace("(", r"\(").replace(")", r"\)")):
        analytics.date_range(first, last, date(2026, 11, 22))


def test_the_reason_labels_are_triages_own():
    from bot.support.triage import REASON_LABELS

    assert {reason.value: label for reason, label in REASON_LABELS.items()} == {
        reason: label for reason, label in analytics.REASON_LABELS.items() if reason != analytics.UNKNOWN_REASON
    }
