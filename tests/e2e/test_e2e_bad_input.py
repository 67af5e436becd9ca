"""Bad input through the running servers: a clear answer, never a 500, nothing stored that should not be."""

import json
import sqlite3
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.store import models, repository, tickets
from bot.store.db import session_scope
from project_helpers import ACTIONS_SECRET, RASA_API_TOKEN, post

SQL = "'; DROP TABLE accounts; --"


def say(bot, sender, text):
    return [r.get("text") for r in post(bot["rasa_port"], sender, text)]


def stored_events(bot, sender):
    tracker_db = Path(bot["database_url"].removeprefix("sqlite:///")).with_name("tracker.db")
    with sqlite3.connect(tracker_db) as connection:
        return connection.execute("SELECT type_name, data FROM events WHERE sender_id = ?", (sender,)).fetchall()


def raw_post(url, body: bytes, content_type="application/json", headers=None):
    request = urllib.request.Request(
        url, data=body, headers={"Content-Type": content_type, **(headers or {})}, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


@pytest.mark.parametrize("text", ["", "   ", "\u3000\n\t", "\x00\x01"])
def test_an_empty_message_gets_a_request_for_text_and_is_not_stored(bot, responses, text):
    sender = f"empty-{len(text)}-{ord(text[0]) if text else 0}"
    assert say(bot, sender, text) == [responses["utter_guard_empty"]]
    assert stored_events(bot, f"rest:{sender}") == []


def test_an_overlong_message_is_refused_politely_and_not_stored(bot, responses):
    refusal = responses["utter_guard_too_long"].format(limit=2000)
    assert say(bot, "too-long", "パスワードを忘れました" * 200) == [refusal]
    assert stored_events(bot, "rest:too-long") == []
    assert say(bot, "too-long", "パスワードを忘れました") != [refusal]


@pytest.mark.parametrize(
    "text",
    [
        "パスワード\x00を忘れました",  # NUL: cleaned, then understood
        "パスワードを\u202e忘れました",
        "パスワードを忘れました🙏🙏",
        "كلمة المرور パスワードを忘れました",
        "<script>alert('x')</script>パスワードを忘れました",
        f"パスワードを忘れました {SQL}",
    ],
)
def test_odd_characters_are_answered_like_any_message(bot, responses, text):
    replies = say(bot, f"odd-{abs(hash(text)) % 10**8}", text)
    assert responses["utter_faq/portal_forgot_password"] in replies
    stored = stored_events(bot, f"rest:odd-{abs(hash(text)) % 10**8}")
    assert all("\x00" not in data and "\u202e" not in data for _, data in stored)


def test_sql_in_every_answer_of_a_form_changes_nothing_it_should_not(bot, responses):
    with session_scope(bot["database_url"]) as session:
        accounts_before = session.scalar(select(func.count()).select_from(models.PortalAccount))
    sender = "sql-signup"
    say(bot, sender, "このチャットでアカウントを作成してください")
    assert say(bot, sender, SQL)[-1] == responses["utter_ask_signup_form_signup_code"]  # no code in it: asked again
    say(bot, sender, "TB-5RD2-H8L4Q-3NZ7V-9KC1W-6PM5X-1GT8B")
    # A quote, as in real names, is stored as text. (A name that is all SQL, 「Robert'; DROP ...」,
    # is read as no answer since the model of 2026-12-07 and asked again: nothing stored either.)
    assert say(bot, sender, "Robert O'Brien")[-1] == responses["utter_ask_signup_form_signup_email"]
    # The address is found inside the junk and only the address is kept.
    assert say(bot, sender, f"sql-test@example.jp{SQL}")[-1] == responses["utter_ask_signup_form_signup_phone"]
    assert say(bot, sender, f"03-1234-5678{SQL}")[-1] == responses["utter_ask_signup_form_signup_phone"]
    say(bot, sender, "03-1234-5678")
    with session_scope(bot["database_url"]) as session:
        account = repository.find_account(session, "sql-test@example.jp")
        assert account.name == "Robert O'Brien"
        assert session.scalar(select(func.count()).select_from(models.PortalAccount)) == accounts_before + 1

    for text in (
        "アカウントの状態を確認したい",
        f"{SQL}@example.jp TB-3KQ7-M2X9P-4HD8W-7RT5N-Q6J3C-9ZV2L",
        f"yamada@sample-shoji.co.jp {SQL}",
    ):
        assert all("Traceback" not in reply for reply in say(bot, "sql-verify", text))
    with session_scope(bot["database_url"]) as session:
        assert repository.find_account(session, "yamada@sample-shoji.co.jp") is not None


def test_one_sender_cannot_flood_the_bot(bot, responses):
    replies = [say(bot, "flood", "振込用紙はいつ届きますか") for _ in range(21)]
    assert all(reply == [responses["utter_faq/renewal_slip_arrival"]] for reply in replies[:20])
    assert replies[20] == [responses["utter_guard_rate_limited"]]
    assert sum(1 for kind, _ in stored_events(bot, "rest:flood") if kind == "user") == 20
    assert say(bot, "not-the-flooder", "振込用紙はいつ届きますか") == [responses["utter_faq/renewal_slip_arrival"]]


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"not json",
        b"[]",
        b"5",
        b'{"sender": "x"}',
        b'{"message": "hi"}',
        b'{"sender": ["x"], "message": "hi"}',
        b'{"sender": "x", "message": {"text": "hi"}}',
        b'{"sender": "x", "message": "hi", "metadata": "x"}',
        b'{"sender": "' + b"x" * 300 + b'", "message": "hi"}',
    ],
)
def test_malformed_webhook_bodies_get_a_400_that_says_why(bot, body):
    status, text = raw_post(f"http://127.0.0.1:{bot['rasa_port']}/webhooks/rest/webhook", body)
    assert status == 400 and json.loads(text)["error"] == "bad_request"


@pytest.mark.parametrize(
    "body", [b"[]", b"{}", b'{"next_action": 5}', b'{"next_action": "action_do_task", "tracker": []}', b"x"]
)
def test_the_action_server_refuses_what_is_not_an_action_call(bot, body):
    url = f"http://127.0.0.1:{bot['actions_port']}/webhook"
    # Without the secret, nothing is even read; with it, a clear 400 and no traceback.
    assert raw_post(url, body)[0] == 401
    status, text = raw_post(url, body, headers={"Authorization": f"Bearer {ACTIONS_SECRET}"})
    assert status == 400 and "Traceback" not in text


@pytest.mark.parametrize("body", [b'"x"', b"[5]", b"{}", b"not json"])
def test_rasas_api_answers_bad_event_bodies_with_a_4xx(bot, body):
    url = f"http://127.0.0.1:{bot['rasa_port']}/conversations/bad-api/tracker/events?token={RASA_API_TOKEN}"
    status, text = raw_post(url, body)
    assert 400 <= status < 500, (status, text)


@pytest.mark.parametrize(
    "sender, turns",
    [
        (
            "sql-cc",
            [
                "CCに登録しているアドレスを教えて",
                "yamada@sample-shoji.co.jp TB-3KQ7-M2X9P-4HD8W-7RT5N-Q6J3C-9ZV2L",
                "CCにアドレスを追加したい",
                f"{SQL}",
                f"colleague{SQL}@example.jp",
            ],
        ),
        (
            "sql-renewal",
            [
                "VBCL-4821-7730-1956-2204 を更新を申し込みます",
                "nakamura@example.jp",
                f"{SQL}年",
                f"VBCL-4821-7730-1956-2204{SQL}",
                "いいえ",
            ],
        ),
        ("sql-payment", ["支払ったのに反映されない", f"郵便局{SQL}", f"11月5日{SQL}"]),
        (
            "sql-handoff",
            [
                "振込用紙はいつ届きますか",
                "担当者と話したい",
                f"x{SQL}@example.jp",
                "handoff-sql@example.jp",
                f"VBCL-4821-7730-1956-2204{SQL}",
                "いいえ",
            ],
        ),
    ],
)
def test_sql_in_the_other_forms_is_only_text(bot, sender, turns):
    for text in turns:
        status, body = raw_post(
            f"http://127.0.0.1:{bot['rasa_port']}/webhooks/rest/webhook",
            json.dumps({"sender": sender, "message": text}).encode(),
        )
        replies = [reply.get("text") or "" for reply in json.loads(body)]
        assert status == 200 and replies and not any("Traceback" in reply for reply in replies), (text, replies)
    with session_scope(bot["database_url"]) as session:
        # The tables are all there, and nothing was stored for an address made of SQL.
        assert session.scalar(select(func.count()).select_from(models.PortalAccount)) > 0
        assert (
            session.scalar(
                select(func.count()).select_from(models.CcAddress).where(models.CcAddress.email.contains("drop"))
            )
            == 0
        )
        assert tickets.unfinished_ticket_of(session, "rest:sql-handoff") is None  # the customer said いいえ
