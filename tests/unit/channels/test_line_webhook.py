"""The LINE webhook on a real Sanic server, with a scripted Rasa and the Messaging API stand-in."""

import asyncio
from dataclasses import dataclass

import pytest

from bot.channels.line import LineInput
from line_helpers import (
    ACCESS_TOKEN,
    LOADING_PATH,
    PUSH_PATH,
    REPLY_PATH,
    SECRET,
    FakeRasa,
    LineApiStandIn,
    callback_body,
    follow_event,
    image_event,
    new_user_id,
    post_webhook,
    postback_event,
    redelivery,
    serving,
    sign,
    sticker_event,
    text_event,
    unfollow_event,
)

PASSWORD_ANSWER = "ログインページの「パスワードをお忘れですか?」のリンクから再設定してください。"
GREETING = "こんにちは。ご質問をお送りください。"
BUTTONS = [
    {"title": "パスワードを忘れた", "payload": "パスワードを忘れました"},
    {"title": "振込用紙での契約更新の方法を詳しく知りたい", "payload": "/faq_renewal_how"},
]
LONG_ANSWER = "\n".join(f"{n:04d} 行目のご案内です。" * 8 for n in range(60))
SCRIPT = {
    "パスワードを忘れました": [{"text": PASSWORD_ANSWER}],
    "/greet": [{"text": GREETING, "buttons": BUTTONS}],
    "七通ください": [{"text": f"{n}通目です。"} for n in range(1, 8)],
    "長い説明をください": [{"text": LONG_ANSWER}],
    "/resend_password_mail": [{"text": "メールを再送しました。"}],
}


@dataclass
class Line:
    url: str
    channel: LineInput
    rasa: FakeRasa
    api: LineApiStandIn

    async def send(self, *events, secret: str = SECRET) -> int:
        body = callback_body(*events)
        return await post_webhook(self.url, body, sign(secret, body))

    async def settle(self) -> None:
        await self.channel.tasks.drain(10)


# Short, so that the tests need not wait, and above a scripted answer's few milliseconds.
LOADING_AFTER = 0.3


@pytest.fixture
async def line(stand_in):
    rasa = FakeRasa(SCRIPT)
    channel = LineInput(SECRET, ACCESS_TOKEN, stand_in.base_url, loading_after=LOADING_AFTER)
    async with serving(channel, rasa.on_new_message) as url:
        yield Line(url, channel, rasa, stand_in)


async def test_a_text_message_reaches_rasa_and_its_answer_goes_back_in_the_reply(line):
    user = new_user_id()
    event = text_event("パスワードを忘れました", user)
    assert await line.send(event) == 200
    await line.settle()
    [message] = line.rasa.received
    assert (message.text, message.sender_id, message.input_channel) == ("パスワードを忘れました", user, "line")
    assert message.metadata["line_event"]["webhookEventId"] == event["webhookEventId"]
    [reply] = line.api.delivered()
    assert (reply.path, reply.to, reply.texts) == (REPLY_PATH, event["replyToken"], [PASSWORD_ANSWER])
    assert reply.headers["Authorization"] == f"Bearer {ACCESS_TOKEN}"


@pytest.mark.parametrize("signature", ["forged", "wrong secret", "other body"])
async def test_a_badly_signed_request_is_refused_and_nothing_is_processed(line, signature):
    body = callback_body(text_event("パスワードを忘れました", new_user_id()))
    header = {
        "forged": "c2lnbmF0dXJlIG9mIG5vdGhpbmc=",
        "wrong secret": sign("another channel's secret", body),
        "other body": sign(SECRET, callback_body(text_event("こんにちは", new_user_id()))),
    }[signature]
    assert await post_webhook(line.url, body, header) == 403
    await line.settle()
    assert line.rasa.received == [] and line.api.calls == []


async def test_a_request_without_signature_is_refused(line):
    body = callback_body(text_event("パスワードを忘れました", new_user_id()))
    assert await post_webhook(line.url, body, None) == 401
    await line.settle()
    assert line.rasa.received == [] and line.api.calls == []


async def test_without_a_channel_secret_every_request_is_refused(stand_in):
    rasa = FakeRasa(SCRIPT)
    async with serving(LineInput("", ACCESS_TOKEN, stand_in.base_url), rasa.on_new_message) as url:
        body = callback_body(text_event("パスワードを忘れました", new_user_id()))
        assert await post_webhook(url, body, sign("", body)) == 403
    assert rasa.received == [] and stand_in.calls == []


async def test_the_consoles_verification_request_gets_200(line):
    assert await line.send() == 200
    await line.settle()
    assert line.rasa.received == [] and line.api.calls == []


async def test_a_signed_body_that_is_not_a_callback_is_a_bad_request(line):
    body = b'{"destination": "U0", "events": "none"}'
    assert await post_webhook(line.url, body, sign(SECRET, body)) == 400


async def test_a_redelivered_event_is_answered_once(line):
    event = text_event("パスワードを忘れました", new_user_id())
    assert await line.send(event) == 200
    assert await line.send(redelivery(event)) == 200
    await line.settle()
    assert len(line.rasa.received) == 1
    assert len(line.api.delivered()) == 1


async def test_following_the_account_gets_the_greeting_with_quick_replies(line):
    user = new_user_id()
    event = follow_event(user)
    await line.send(event)
    await line.settle()
    assert [(m.text, m.sender_id) for m in line.rasa.received] == [("/greet", user)]
    [reply] = line.api.delivered()
    [message] = reply.body["messages"]
    assert message["text"] == GREETING
    assert [item["action"] for item in message["quickReply"]["items"]] == [
        {
            "type": "postback",
            "label": "パスワードを忘れた",
            "data": "パスワードを忘れました",
            "displayText": "パスワードを忘れた",
        },
        {
            "type": "postback",
            "label": "振込用紙での契約更新の方法を詳しく知り…",
            "data": "/faq_renewal_how",
            "displayText": "振込用紙での契約更新の方法を詳しく知りたい",
        },
    ]


async def test_a_quick_reply_answer_reaches_rasa_as_its_payload(line):
    user = new_user_id()
    await line.send(postback_event("/resend_password_mail", user))
    await line.settle()
    assert [(m.text, m.sender_id) for m in line.rasa.received] == [("/resend_password_mail", user)]
    assert line.api.delivered()[0].texts == ["メールを再送しました。"]


async def test_unfollow_sends_nothing(line):
    await line.send(unfollow_event(new_user_id()))
    await line.settle()
    assert line.rasa.received == [] and line.api.calls == []


@pytest.mark.parametrize("make_event", [sticker_event, image_event])
async def test_a_sticker_or_image_is_asked_politely_to_be_sent_as_text(line, make_event, responses):
    event = make_event(new_user_id())
    await line.send(event)
    await line.settle()
    assert line.rasa.received == []
    [reply] = line.api.delivered()
    assert reply.to == event["replyToken"]
    assert reply.texts == [responses["utter_line_send_text"]]


async def test_seven_answers_go_five_in_the_reply_and_two_by_push(line):
    user = new_user_id()
    event = text_event("七通ください", user)
    await line.send(event)
    await line.settle()
    reply, push = line.api.delivered()
    assert (reply.path, reply.to, reply.texts) == (
        REPLY_PATH,
        event["replyToken"],
        [f"{n}通目です。" for n in range(1, 6)],
    )
    assert (push.path, push.to, push.texts) == (PUSH_PATH, user, ["6通目です。", "7通目です。"])


async def test_with_an_expired_reply_token_everything_goes_by_push(line):
    user = new_user_id()
    event = text_event("七通ください", user)
    line.api.expire(event["replyToken"])
    await line.send(event)
    await line.settle()
    refused, *pushes = line.api.calls
    assert (refused.path, refused.status) == (REPLY_PATH, 400)
    assert [(call.path, call.to) for call in pushes] == [(PUSH_PATH, user)] * 2
    assert [text for call in pushes for text in call.texts] == [f"{n}通目です。" for n in range(1, 8)]


async def test_a_long_answer_is_split_at_line_breaks_within_lines_limit(line):
    await line.send(text_event("長い説明をください", new_user_id()))
    await line.settle()
    [reply] = line.api.delivered()
    assert len(reply.texts) > 1 and all(len(text) <= 5000 for text in reply.texts)
    assert "\n".join(reply.texts) == LONG_ANSWER


async def test_in_a_group_the_conversation_is_the_group(line):
    event = text_event("パスワードを忘れました", new_user_id())
    event["source"] = {"type": "group", "groupId": "C" + "a" * 32, "userId": event["source"]["userId"]}
    await line.send(event)
    await line.settle()
    assert [m.sender_id for m in line.rasa.received] == ["C" + "a" * 32]


async def test_events_in_standby_are_left_to_the_active_module(line):
    event = text_event("パスワードを忘れました", new_user_id())
    event["mode"] = "standby"
    await line.send(event)
    await line.settle()
    assert line.rasa.received == [] and line.api.calls == []


async def test_the_webhook_answers_at_once_and_each_user_is_answered_in_order(line):
    alice, bob = new_user_id(), new_user_id()
    line.rasa.hold["ちょっと待ってください"] = slow_action = asyncio.Event()
    assert await line.send(text_event("ちょっと待ってください", alice)) == 200
    assert await line.send(text_event("パスワードを忘れました", alice)) == 200
    assert await line.send(text_event("パスワードを忘れました", bob)) == 200
    # Bob is not kept waiting by Alice's slow action, and Alice's second question waits for her first.
    await line.api.wait_for(lambda calls: len(calls) == 1)
    assert [m.sender_id for m in line.rasa.received] == [alice, bob]
    slow_action.set()
    await line.settle()
    assert [m.text for m in line.rasa.received if m.sender_id == alice] == [
        "ちょっと待ってください",
        "パスワードを忘れました",
    ]
    assert [call.texts for call in line.api.delivered()][1:] == [
        ["「ちょっと待ってください」ですね。"],
        [PASSWORD_ANSWER],
    ]


async def test_a_failure_in_rasa_is_logged_and_the_next_message_is_still_answered(line, caplog):
    user = new_user_id()
    line.rasa.broken.add("壊れる質問")
    await line.send(text_event("壊れる質問", user))
    await line.send(text_event("パスワードを忘れました", user))
    await line.settle()
    assert [call.texts for call in line.api.delivered()] == [[PASSWORD_ANSWER]]
    assert "could not be handled" in caplog.text


async def test_stopping_the_server_lets_answers_in_progress_go_out_first(stand_in):
    rasa = FakeRasa(SCRIPT)
    rasa.hold["ちょっと待ってください"] = slow_action = asyncio.Event()
    async with serving(LineInput(SECRET, ACCESS_TOKEN, stand_in.base_url), rasa.on_new_message) as url:
        body = callback_body(text_event("ちょっと待ってください", new_user_id()))
        assert await post_webhook(url, body, sign(SECRET, body)) == 200
        asyncio.get_running_loop().call_later(0.2, slow_action.set)
    assert len(stand_in.delivered()) == 1


async def test_a_slow_answer_shows_lines_loading_indicator_until_the_reply(line):
    user = new_user_id()
    line.rasa.hold["ちょっと待ってください"] = slow_action = asyncio.Event()
    await line.send(text_event("ちょっと待ってください", user))
    await line.api.wait_for(lambda calls: line.api.loading_shown() == [user])
    assert line.api.delivered() == []
    slow_action.set()
    await line.settle()
    assert [call.path for call in line.api.calls] == [LOADING_PATH, REPLY_PATH]
    assert line.api.calls[0].body == {"chatId": user, "loadingSeconds": 20}


async def test_a_quick_answer_shows_no_loading_indicator(line):
    await line.send(text_event("パスワードを忘れました", new_user_id()))
    await line.settle()
    await asyncio.sleep(LOADING_AFTER + 0.2)
    assert [call.path for call in line.api.calls] == [REPLY_PATH]


async def test_a_group_gets_no_loading_indicator_lines_is_for_one_to_one_chats(line):
    event = text_event("ちょっと待ってください", new_user_id())
    event["source"] = {"type": "group", "groupId": "C" + "b" * 32, "userId": event["source"]["userId"]}
    line.rasa.hold["ちょっと待ってください"] = slow_action = asyncio.Event()
    await line.send(event)
    await asyncio.sleep(LOADING_AFTER + 0.3)
    slow_action.set()
    await line.settle()
    assert [call.path for call in line.api.calls] == [REPLY_PATH]


async def test_when_line_refuses_the_loading_indicator_the_answer_still_comes(line, caplog):
    line.api.fail_next(LOADING_PATH, 429)
    line.rasa.hold["ちょっと待ってください"] = slow_action = asyncio.Event()
    event = text_event("ちょっと待ってください", new_user_id())
    await line.send(event)
    await line.api.wait_for(lambda calls: any(call.path == LOADING_PATH for call in line.api.calls))
    # The refusal is logged once its answer is read; releasing the action first would cancel that read.
    for _ in range(500):
        if "loading indicator not shown" in caplog.text:
            break
        await asyncio.sleep(0.01)
    assert "loading indicator not shown" in caplog.text
    slow_action.set()
    await line.settle()
    assert [call.texts for call in line.api.delivered(event["replyToken"])] == [["「ちょっと待ってください」ですね。"]]
