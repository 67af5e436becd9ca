"""The Messaging API client against the stand-in: batching, push fallback, retries, errors."""

import asyncio
import logging
import uuid

import pytest

from bot.channels.line_api import LineApi
from line_helpers import (
    ACCESS_TOKEN,
    PUSH_PATH,
    REPLY_PATH,
    new_reply_token,
    new_user_id,
)


def texts(count: int) -> list:
    return [{"type": "text", "text": f"{n}通目です。"} for n in range(1, count + 1)]


@pytest.fixture
async def api(stand_in):
    client = LineApi(ACCESS_TOKEN, stand_in.base_url, first_wait=0.01)
    yield client
    await client.close()


def shape(calls) -> list:
    return [(call.path, len(call.body["messages"])) for call in calls]


@pytest.mark.parametrize(
    "count, expected",
    [
        (1, [(REPLY_PATH, 1)]),
        (5, [(REPLY_PATH, 5)]),
        (7, [(REPLY_PATH, 5), (PUSH_PATH, 2)]),
        (12, [(REPLY_PATH, 5), (PUSH_PATH, 5), (PUSH_PATH, 2)]),
    ],
)
async def test_five_messages_go_in_the_reply_and_the_rest_by_push_in_fives(api, stand_in, count, expected):
    user = new_user_id()
    await api.send(texts(count), reply_token=new_reply_token(), to=user)
    assert shape(stand_in.calls) == expected
    assert all(call.to == user for call in stand_in.calls if call.path == PUSH_PATH)
    assert [t for call in stand_in.delivered() for t in call.texts] == [m["text"] for m in texts(count)]


async def test_nothing_to_say_makes_no_call(api, stand_in):
    await api.send([], reply_token=new_reply_token(), to=new_user_id())
    assert stand_in.calls == []


async def test_an_invalid_reply_token_sends_everything_by_push(api, stand_in):
    token = new_reply_token()
    stand_in.expire(token)
    await api.send(texts(7), reply_token=token, to=new_user_id())
    assert [(call.path, call.status) for call in stand_in.calls] == [
        (REPLY_PATH, 400),
        (PUSH_PATH, 200),
        (PUSH_PATH, 200),
    ]
    assert [t for call in stand_in.delivered() for t in call.texts] == [m["text"] for m in texts(7)]


async def test_a_server_error_is_retried_and_the_reply_delivered_once(api, stand_in):
    stand_in.fail_next(REPLY_PATH, 503)
    await api.send(texts(1), reply_token=new_reply_token(), to=new_user_id())
    assert [call.status for call in stand_in.calls] == [503, 200]
    assert shape(stand_in.delivered()) == [(REPLY_PATH, 1)]


async def test_a_reply_that_went_through_despite_an_error_is_not_pushed_again(api, stand_in):
    stand_in.fail_next(REPLY_PATH, 500, accept=True)
    await api.send(texts(2), reply_token=new_reply_token(), to=new_user_id())
    assert [(call.path, call.status) for call in stand_in.calls] == [(REPLY_PATH, 500), (REPLY_PATH, 400)]
    assert shape(stand_in.delivered()) == [(REPLY_PATH, 2)]


async def test_a_retried_push_carries_one_retry_key_and_is_delivered_once(api, stand_in):
    stand_in.fail_next(PUSH_PATH, 500, accept=True)
    await api.send(texts(2), reply_token=None, to=new_user_id())
    assert [call.status for call in stand_in.calls] == [500, 409]
    keys = {call.headers["X-Line-Retry-Key"] for call in stand_in.calls}
    assert len(keys) == 1 and uuid.UUID(keys.pop())
    assert len(stand_in.delivered()) == 1


async def test_server_errors_that_persist_are_retried_three_times_then_logged(api, stand_in, caplog):
    for _ in range(3):
        stand_in.fail_next(PUSH_PATH, 502, html="<html><body>502 Bad Gateway</body></html>")
    await api.send(texts(2), reply_token=None, to=new_user_id())
    assert [call.status for call in stand_in.calls] == [502, 502, 502]
    assert "2 of 2 messages not delivered: HTTP 502: <html><body>502 Bad Gateway" in caplog.text


@pytest.mark.parametrize("status", [400, 429])
async def test_a_client_error_is_not_retried_and_is_logged_without_secrets(stand_in, caplog, status):
    stand_in.fail_next(REPLY_PATH, status)
    api = LineApi(ACCESS_TOKEN, stand_in.base_url, first_wait=0.01)
    with caplog.at_level(logging.INFO):
        await api.send(texts(7), reply_token=new_reply_token(), to=new_user_id())
    await api.close()
    assert [call.status for call in stand_in.calls] == [status]
    assert f"HTTP {status}" in caplog.text and "7 of 7 messages not delivered" in caplog.text
    assert ACCESS_TOKEN not in caplog.text


async def test_a_wrong_access_token_is_logged_and_not_retried(stand_in, caplog):
    api = LineApi("revoked-token", stand_in.base_url, first_wait=0.01)
    await api.send(texts(1), reply_token=new_reply_token(), to=new_user_id())
    await api.close()
    assert [call.status for call in stand_in.calls] == [401]
    assert "HTTP 401: Authentication failed" in caplog.text and "revoked-token" not in caplog.text


async def test_an_unreachable_api_is_retried_then_logged_without_raising(caplog):
    api = LineApi(ACCESS_TOKEN, "http://127.0.0.1:9", first_wait=0.01)
    await api.send(texts(1), reply_token=new_reply_token(), to=new_user_id())
    await api.close()
    assert caplog.text.count("trying again") == 2
    assert "1 of 1 messages not delivered" in caplog.text and ACCESS_TOKEN not in caplog.text


async def test_messages_that_answer_no_event_go_by_push_at_once(stand_in):
    """An agent's words from the inbox: Rasa's HTTP API sends them through the channel's output."""
    from bot.channels.line import LineInput

    channel = LineInput("secret", ACCESS_TOKEN, stand_in.base_url)
    user = new_user_id()
    output = channel.get_output_channel()
    await output.send_response(user, {"text": "担当者: お待たせしました。"})
    await output.send_response(user, {"text": "ご確認ください。", "buttons": [{"title": "はい", "payload": "/affirm"}]})
    assert [(call.path, call.to, call.texts) for call in stand_in.delivered()] == [
        (PUSH_PATH, user, ["担当者: お待たせしました。"]),
        (PUSH_PATH, user, ["ご確認ください。"]),
    ]
    assert stand_in.delivered()[1].body["messages"][0]["quickReply"]["items"][0]["action"]["data"] == "/affirm"
    await channel.api.close()


async def test_a_line_api_that_hangs_is_given_up_on_logged_and_the_next_answer_goes_out(stand_in, caplog):
    api = LineApi(ACCESS_TOKEN, stand_in.base_url, timeout=0.5, attempts=2, first_wait=0.01)
    user = new_user_id()
    stand_in.hang_next(PUSH_PATH, 5)
    stand_in.hang_next(PUSH_PATH, 5)
    started = asyncio.get_running_loop().time()
    await api.send(texts(1), reply_token=None, to=user)  # logged, not raised: the channel goes on
    assert asyncio.get_running_loop().time() - started < 3
    assert "not delivered" in caplog.text and ACCESS_TOKEN not in caplog.text
    await api.send(texts(1), reply_token=None, to=user)
    assert [call.texts for call in stand_in.delivered(user)][-1] == ["1通目です。"]
    await api.close()
