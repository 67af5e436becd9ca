"""The review queue on SQLite and PostgreSQL: conversations written by Rasa's own tracker store queue
exactly the messages worked out by hand (tests/helpers/review_seed.py); a labelled message leaves the queue
for good; the export holds the labels, masked."""

from __future__ import annotations

from datetime import date, datetime

import pytest
import yaml
from sqlalchemy import func, select

from bot.domain.clock import JST
from bot.domain.identifiers import ACTIVATION_CODE_RE, EMAIL_RE, SERIAL_RE
from bot.domain.personal_data import PHONE_RE
from bot.review_export import export
from bot.store import models as m
from bot.store import review
from bot.store.analytics import EVENTS
from bot.store.db import get_engine, session_scope
from bot.store.review_rules import ADDRESS_RE, POSTAL_CODE_RE
from review_seed import EXPECTED, PERSONAL_MASKED, RECEIPTS, SERIAL_QUESTION_MASKED, seed

FIRST, LAST = date(2026, 11, 21), date(2026, 11, 22)


@pytest.fixture
async def seeded(migrated_url, monkeypatch):
    monkeypatch.setenv("BOT_NOW", "2026-11-22T12:00")
    # Rasa's events table beside the bot's tables: one database serves both in each test.
    await seed(migrated_url)
    return migrated_url


def queue(url, first=FIRST, last=LAST):
    with session_scope(url) as session:
        return review.queued_messages(session, get_engine(url), first, last)


def label(url, texts, value, supervisor="lead"):
    ids = [message.id for message in queue(url, FIRST, LAST)[0] if message.text in texts]
    assert len(ids) == len(texts)
    with session_scope(url) as session:
        return review.label_messages(session, get_engine(url), ids, value, supervisor)


def as_rows(messages):
    return [
        (
            message.text,
            message.channel,
            message.intent,
            message.guide_answer,
            tuple(reason.value for reason in message.reasons),
            message.reply,
        )
        for message in messages
    ]


def test_the_seeded_conversations_queue_exactly_the_messages_worked_out_by_hand(seeded):
    shown, waiting = queue(seeded)
    assert as_rows(shown) == EXPECTED
    assert waiting == len(EXPECTED)
    by_text = {message.text: message for message in shown}
    assert by_text[RECEIPTS[1]].confidence == pytest.approx(0.62)
    assert datetime.fromtimestamp(by_text["あれがこうなって"].at, JST).strftime("%m-%d %H:%M") == "11-21 14:00"
    assert [message.at for message in shown] == sorted((message.at for message in shown), reverse=True)


def test_the_range_decides_which_days_are_read(seeded):
    assert [message.text for message in queue(seeded, date(2026, 11, 20), date(2026, 11, 20))[0]] == ["だからあれです"]
    assert queue(seeded, date(2026, 11, 22), date(2026, 11, 22))[1] == 5
    assert queue(seeded, date(2026, 11, 23), date(2026, 11, 23)) == ([], 0)


def test_only_the_newest_are_shown_but_all_are_counted(seeded):
    with session_scope(seeded) as session:
        shown, waiting = review.queued_messages(session, get_engine(seeded), FIRST, LAST, limit=3)
    assert as_rows(shown) == EXPECTED[:3] and waiting == len(EXPECTED)


def test_a_labelled_message_leaves_the_queue_and_is_never_queued_again(seeded):
    assert label(seeded, RECEIPTS, "out_of_scope") == 3
    assert label(seeded, ["あれがこうなって"], "ignore", supervisor="lead2") == 1
    shown, waiting = queue(seeded)
    assert as_rows(shown) == [row for row in EXPECTED if row[0] not in (*RECEIPTS, "あれがこうなって")]
    assert waiting == len(EXPECTED) - 4
    with session_scope(seeded) as session:
        rows = session.execute(
            select(
                m.ReviewLabel.text,
                m.ReviewLabel.read_as,
                m.ReviewLabel.label,
                m.ReviewLabel.labelled_by,
                m.ReviewLabel.labelled_at,
                m.ReviewLabel.written_at,
            ).order_by(m.ReviewLabel.id)
        ).all()
    assert [row[:4] for row in rows] == [
        (RECEIPTS[0], "out_of_scope", "out_of_scope", "lead"),
        (RECEIPTS[1], "faq/renewal_after_payment", "out_of_scope", "lead"),
        (RECEIPTS[2], "out_of_scope", "out_of_scope", "lead"),
        ("あれがこうなって", "nlu_fallback", "ignore", "lead2"),
    ]
    assert {row.labelled_at for row in rows} == {datetime(2026, 11, 22, 12, 0, tzinfo=JST)}
    # When the customer wrote it: the seed's session starts at 14:00, its first message 6 seconds later.
    assert rows[-1].written_at == datetime(2026, 11, 21, 14, 0, 6, tzinfo=JST)


def test_a_message_is_labelled_once_and_a_request_with_one_labelled_changes_nothing(seeded):
    first = queue(seeded)[0]
    label(seeded, [RECEIPTS[0]], "out_of_scope")
    ids = [message.id for message in first if message.text in (RECEIPTS[0], RECEIPTS[1])]
    with pytest.raises(review.AlreadyLabelled), session_scope(seeded) as session:
        review.label_messages(session, get_engine(seeded), ids, "faq/renewal_after_payment", "lead2")
    assert RECEIPTS[1] in [message.text for message in queue(seeded)[0]]


def test_only_customer_messages_they_typed_can_be_labelled(seeded):
    engine, e = get_engine(seeded), EVENTS.c
    with engine.connect() as connection:
        bot_event = connection.scalar(select(func.min(e.id)).where(e.type_name == "bot"))
        button = connection.scalar(select(func.min(e.id)).where(e.type_name == "user", e.intent_name == "greet"))
    known = queue(seeded)[0][0].id
    for ids in ([999_999], [bot_event], [button], [known, 999_999]):
        with pytest.raises(review.UnknownMessage), session_scope(seeded) as session:
            review.label_messages(session, engine, ids, "greet", "lead")
    assert queue(seeded)[1] == len(EXPECTED)


def test_the_export_holds_the_labels_masked_and_not_the_ignored(seeded):
    label(seeded, [SERIAL_QUESTION_MASKED], "check_renewal")
    label(seeded, [PERSONAL_MASKED, RECEIPTS[0]], "out_of_scope")
    label(seeded, ["クレジットカードで払えますか"], "faq/renewal_where_to_pay")
    label(seeded, ["あれがこうなって"], "ignore")
    with session_scope(seeded) as session:
        text, count, left_out = export(session, known=set())
    assert (count, left_out) == (4, 0)
    document = yaml.safe_load(text)
    assert document["version"] == "3.1"
    assert {item["intent"]: item["examples"] for item in document["nlu"]} == {
        "check_renewal": f"- {SERIAL_QUESTION_MASKED}\n",
        "faq/renewal_where_to_pay": "- クレジットカードで払えますか\n",
        "out_of_scope": f"- {RECEIPTS[0]}\n- {PERSONAL_MASKED}\n",
    }
    for pattern in (SERIAL_RE, ACTIVATION_CODE_RE, EMAIL_RE, PHONE_RE, POSTAL_CODE_RE, ADDRESS_RE):
        assert not pattern.search(text), pattern.pattern
    for secret in ("4821", "2204", "taro", "example.jp", "1234-5678", "100-0001", "千代田1"):
        assert secret not in text
    assert "あれがこうなって" not in text


def test_an_empty_tracker_store_queues_nothing(migrated_url):
    assert queue(migrated_url) == ([], 0)
    with pytest.raises(review.UnknownMessage), session_scope(migrated_url) as session:
        review.label_messages(session, get_engine(migrated_url), [1], "greet", "lead")
