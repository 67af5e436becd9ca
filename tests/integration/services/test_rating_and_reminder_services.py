"""Satisfaction ratings and reminder wishes as the services keep them, on both databases."""

from datetime import datetime

from bot.domain.clock import JST
from bot.services import ratings, reminders
from bot.store import repository
from bot.store.db import session_scope

STARTED = datetime(2026, 11, 22, 10, 0, tzinfo=JST)


def kept(url, read):
    with session_scope(url) as session:
        return read(session)


async def test_a_session_keeps_its_first_rating_and_one_masked_comment(demo_db):
    assert await ratings.record_rating("line-1", "line", 2, STARTED)
    assert not await ratings.record_rating("line-1", "line", 5, STARTED)
    comment = "遅い。電話は 03-1234-5678、シリアルは VBCL-4821-7730-1956-2204"
    assert await ratings.record_comment("line-1", STARTED, comment)
    assert not await ratings.record_comment("line-1", STARTED, "もう一つ")
    assert kept(demo_db, lambda session: repository.csat_scores(session, "line-1")) == (2,)
    [comment] = kept(demo_db, lambda session: repository.csat_comments(session, "line-1"))
    assert "03-1234-5678" not in comment and "4821" not in comment and comment.startswith("遅い。")


async def test_a_comment_without_a_rating_is_not_kept(demo_db):
    assert not await ratings.record_comment("line-2", STARTED, "特になし")
    assert kept(demo_db, lambda session: repository.csat_comments(session, "line-2")) == ()


async def test_reminders_go_where_asked_until_stopped(demo_db):
    await reminders.subscribe(reminders.ON_LINE, "U1234", "nakamura@example.jp")
    await reminders.subscribe(reminders.BY_MAIL, "nakamura@example.jp", "nakamura@example.jp")
    wishes = kept(demo_db, repository.reminder_subscriptions)
    assert {(wish.channel, wish.address) for wish in wishes} == {("line", "U1234"), ("mail", "nakamura@example.jp")}
    assert await reminders.unsubscribe(reminders.ON_LINE, "U1234")
    assert not await reminders.unsubscribe(reminders.ON_LINE, "U1234")
    assert [wish.address for wish in kept(demo_db, repository.reminder_subscriptions)] == ["nakamura@example.jp"]
