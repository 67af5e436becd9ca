"""LINE through the real bot (`python -m bot.runtime.serve`, trained model), its replies going to the API stand-in."""

import json
import sqlite3
from pathlib import Path

import pytest
import yaml

from bot.channels.line_rich_menu import menu_request, tiles
from bot.store import db, repository
from line_helpers import (
    LOADING_PATH,
    REPLY_PATH,
    SECRET,
    callback_body,
    follow_event,
    in_group,
    new_user_id,
    post_webhook,
    postback_event,
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


async def test_a_customer_waiting_on_line_sees_lines_loading_indicator_then_the_answer(bot, line_api, responses):
    user = new_user_id()
    event = text_event("パスワードを忘れました", user)
    body = callback_body(event)
    assert await post_webhook(webhook(bot), body, sign(SECRET, body)) == 200
    reply = await reply_to(line_api, event)
    assert any(responses["utter_faq/portal_forgot_password"] in text for text in reply.texts)
    assert line_api.loading_shown().count(user) == 1
    [loading] = [call for call in line_api.calls if call.path == LOADING_PATH and call.body["chatId"] == user]
    assert line_api.calls.index(loading) < line_api.calls.index(reply)


async def test_in_a_line_group_the_bot_answers_without_a_loading_indicator(bot, line_api, responses):
    event = text_event("パスワードを忘れました", new_user_id())
    group = in_group(event)
    await answer(bot, line_api, event)
    assert [
        call
        for call in line_api.calls
        if call.path == LOADING_PATH and call.body["chatId"] in (group, event["source"]["userId"])
    ] == []


async def answer(bot, line_api, event):
    body = callback_body(event)
    assert await post_webhook(webhook(bot), body, sign(SECRET, body)) == 200
    return await reply_to(line_api, event)


async def test_a_renewal_check_on_line_answers_with_a_card_that_masks_the_serial(bot, line_api, responses):
    user = new_user_id()
    asked = await answer(bot, line_api, text_event("VBCL-9034-1178-5520-6631 はまだ更新できますか", user))
    assert asked.texts == [responses["utter_ask_verify_form_email"]]
    reply = await answer(bot, line_api, text_event("kobayashi@example.jp", user))
    assert reply.cards == [
        {
            "シリアル番号": "VBCL-****-****-****-6631",
            "製品": "ウイルスバスター クラウド",
            "有効期限": "2025年8月31日",
            "お手続き": "2027年8月31日まで",
        }
    ]
    # The card's altText, what a phone's notification shows, says the same in a sentence.
    assert (
        "VBCL-****-****-****-6631(ウイルスバスター クラウド、有効期限 2025年8月31日)は、2027年8月31日まで"
    ) in reply.texts[1]
    assert "9034-1178-5520" not in json.dumps(reply.body, ensure_ascii=False)
    assert reply.texts[2] == responses["utter_renew_from_product"]


@pytest.mark.parametrize("tile", range(4))
async def test_each_tile_of_the_rich_menu_gets_its_answer_from_the_bot(bot, line_api, responses, tile):
    action = menu_request(tiles())["areas"][tile]["action"]
    reply = await answer(bot, line_api, postback_event(action["data"], new_user_id()))
    expected = {
        "よくある質問": responses["utter_greet"],
        "契約更新": responses["utter_faq/renewal_how"],
        "アカウント": responses["utter_ask_verify_form_email"],
        "担当者と話す": responses["utter_ask_handoff_form_contact_email"],
    }[action["label"]]
    assert reply.texts[-1] == expected


async def test_the_satisfaction_question_comes_as_quick_replies_and_a_tap_is_kept(bot, line_api, responses):
    user = new_user_id()
    await answer(bot, line_api, text_event("パスワードを忘れました", user))
    reply = await answer(bot, line_api, text_event("ありがとうございました", user))
    assert reply.texts == [responses["utter_thank"], responses["utter_ask_csat"]]
    items = reply.body["messages"][-1]["quickReply"]["items"]
    assert [item["action"]["label"] for item in items] == ["5 とても役に立った", "4", "3", "2", "1 役に立たなかった"]

    tapped = await answer(bot, line_api, postback_event(items[0]["action"]["data"], user))
    assert tapped.texts == [responses["utter_csat_thanks"]]
    with db.session_scope(bot["database_url"]) as session:
        assert repository.csat_scores(session, user) == (5,)
