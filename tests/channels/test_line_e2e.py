"""LINE through the real bot (`python -m bot.serve`, trained model), its replies going to the API stand-in."""

import sqlite3
from pathlib import Path

import yaml

from line_helpers import (
    REPLY_PATH,
    SECRET,
    callback_body,
    follow_event,
    new_user_id,
    post_webhook,
    sign,
    text_event,
)
from project_helpers import ROOT


def webhook(bot) -> str:
    return f"http://127.0.0.1:{bot['rasa_port']}/webhooks/line/webhook"


async def reply_to(line_api, event):
    token = event["replyToken"]
    await line_api.wait_for(lambda calls: any(call.to == token for call in calls), timeout=60)
    assert [call.errors for call in line_api.calls if call.errors] == []
    [reply] = line_api.delivered(token)
    assert reply.path == REPLY_PATH
    return reply


def stored_events(bot, sender_id: str) -> int:
    # start_bot keeps the conversations in tracker.db next to the bot's database.
    tracker_db = Path(bot["database_url"].removeprefix("sqlite:///")).with_name("tracker.db")
    with sqlite3.connect(tracker_db) as connection:
        return connection.execute("SELECT COUNT(*) FROM events WHERE sender_id = ?", (sender_id,)).fetchone()[0]


async def test_a_question_on_line_gets_the_guides_answer_as_a_reply(bot, line_api, responses):
    event = text_event("パスワードを忘れました", new_user_id())
    body = callback_body(event)
    assert await post_webhook(webhook(bot), body, sign(SECRET, body)) == 200
    reply = await reply_to(line_api, event)
    assert any(responses["utter_faq/portal_forgot_password"] in text for text in reply.texts)


async def test_a_new_friend_is_greeted_with_the_greetings_buttons_as_quick_replies(bot, line_api, responses):
    event = follow_event(new_user_id())
    body = callback_body(event)
    assert await post_webhook(webhook(bot), body, sign(SECRET, body)) == 200
    reply = await reply_to(line_api, event)
    assert reply.texts == [responses["utter_greet"]]
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    buttons = domain["responses"]["utter_greet"][0]["buttons"]
    actions = [item["action"] for item in reply.body["messages"][-1]["quickReply"]["items"]]
    assert [(a["data"], a["displayText"]) for a in actions] == [(b["payload"], b["title"]) for b in buttons]


async def test_a_forged_request_is_refused_and_leaves_no_trace(bot, line_api):
    forger, customer = new_user_id(), new_user_id()
    forged = text_event("パスワードを忘れました", forger)
    body = callback_body(forged)
    assert await post_webhook(webhook(bot), body, sign("not the channel secret", body)) == 403
    # A genuine message afterwards is answered and stored; the forged one is in neither place.
    genuine = text_event("パスワードを忘れました", customer)
    genuine_body = callback_body(genuine)
    assert await post_webhook(webhook(bot), genuine_body, sign(SECRET, genuine_body)) == 200
    await reply_to(line_api, genuine)
    assert [call for call in line_api.calls if call.to in (forged["replyToken"], forger)] == []
    assert stored_events(bot, customer) > 0
    assert stored_events(bot, forger) == 0
