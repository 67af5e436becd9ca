"""Retention: old conversations and ticket transcripts go, recent ones and handed-over ones stay."""

from datetime import datetime, timedelta

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.domain.clock import JST
from bot.store import purge, tickets
from bot.store.db import session_scope

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=JST)


def conversation(sender, last_active):
    at = last_active.timestamp()
    return DialogueStateTracker.from_events(
        sender,
        [
            UserUttered("VBCL-4821-7730-1956-2204 を更新したい", timestamp=at - 60),
            BotUttered("更新できます", timestamp=at),
        ],
    )


def ticket(session, sender, closed_at=None):
    record = tickets.create_ticket(
        session,
        sender_id=sender,
        channel="socketio",
        category="契約更新・支払い",
        priority="normal",
        summary="【契約更新・支払い】お客さまが担当者との対応を希望。\nご本人確認: 未",
        verified_email=None,
        contact_email="kato@example.jp",
        fields={"reason": "customer_asked"},
        transcript=[{"who": "customer", "text": "振込用紙はいつ届きますか"}],
        conversation_offset=2,
        last_question="振込用紙はいつ届きますか",
    )
    if closed_at:
        tickets.claim_ticket(session, record.id, "agent-a")
        tickets.close_ticket(session, record.id, "agent-a")
        session.get(tickets.m.Ticket, record.id).closed_at = closed_at
    return record.id


async def test_purge_by_last_activity_sparing_conversations_a_person_still_has(migrated_url, monkeypatch, tmp_path):
    # The tracker store on the same kind of database as the bot's, as in each deployment.
    tracker_url = migrated_url if migrated_url.startswith("postgresql") else f"sqlite:///{tmp_path / 'tracker.db'}"
    store = SQLTrackerStore(host=tracker_url)
    await store.save(conversation("old", NOW - timedelta(days=40)))
    await store.save(conversation("recent", NOW - timedelta(days=5)))
    await store.save(conversation("old-but-handed-over", NOW - timedelta(days=40)))
    with session_scope(migrated_url) as session:
        old_closed = ticket(session, "old", closed_at=NOW - timedelta(days=35))
        recent_closed = ticket(session, "recent", closed_at=NOW - timedelta(days=2))
        still_open = ticket(session, "old-but-handed-over")

    monkeypatch.setenv("DATABASE_URL", migrated_url)
    monkeypatch.setenv("TRACKER_STORE_URL", tracker_url)
    monkeypatch.setenv("BOT_NOW", "2026-11-22T12:00")
    assert purge.main(["--days", "30"]) == 0

    assert await store.retrieve("old") is None
    assert len((await store.retrieve("recent")).events) == 2
    assert len((await store.retrieve("old-but-handed-over")).events) == 2
    with session_scope(migrated_url) as session:
        forgotten = tickets.get_ticket(session, old_closed)
        assert forgotten.transcript == () and forgotten.last_question is None
        assert forgotten.summary.startswith("【契約更新・支払い】") and forgotten.category == "契約更新・支払い"
        assert tickets.get_ticket(session, recent_closed).transcript != ()
        assert tickets.get_ticket(session, recent_closed).last_question == "振込用紙はいつ届きますか"
        assert tickets.get_ticket(session, still_open).transcript != ()

    assert purge.main(["--days", "30"]) == 0  # again: nothing more to do, nothing breaks
    store.engine.dispose()


def test_days_must_be_given_and_positive(capsys):
    import pytest

    for argv in ([], ["--days", "0"], ["--days", "-3"], ["--days", "abc"]):
        with pytest.raises(SystemExit) as stopped:
            purge.main(argv)
        assert stopped.value.code == 2


async def test_a_fresh_tracker_store_has_nothing_to_purge(tmp_path):
    assert purge.purge_conversations(f"sqlite:///{tmp_path / 'empty.db'}", NOW) == 0
