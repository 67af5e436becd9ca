"""The schema check the LINE tests rely on: it must refuse what LINE would, or it proves nothing."""

import copy

import pytest

from line_helpers import (
    BOT_USER_ID,
    follow_event,
    image_event,
    limit_errors,
    new_user_id,
    postback_event,
    schema_errors,
    sticker_event,
    text_event,
    unfollow_event,
)


def callback_errors(*events):
    return schema_errors("webhook.yml", "CallbackRequest", {"destination": BOT_USER_ID, "events": list(events)})


def reply_errors(*messages):
    return schema_errors("messaging-api.yml", "ReplyMessageRequest", {"replyToken": "t", "messages": list(messages)})


@pytest.mark.parametrize("make", [text_event, sticker_event, image_event, postback_event, follow_event, unfollow_event])
def test_the_test_events_are_in_lines_format(make):
    event = make("/greet", new_user_id()) if make in (text_event, postback_event) else make(new_user_id())
    assert callback_errors(event) == []


def test_a_misspelt_unknown_or_incomplete_event_is_refused():
    event = text_event("こんにちは", new_user_id())
    misspelt = copy.deepcopy(event)
    misspelt["message"]["txt"] = misspelt["message"].pop("text")
    unknown = {**event, "type": "mesage"}
    incomplete = copy.deepcopy(event)
    del incomplete["message"]["quoteToken"]
    assert "events/0/message: 'text' is a required property" in callback_errors(misspelt)
    assert any("'mesage' is not one of" in error for error in callback_errors(unknown))
    assert "events/0/message: 'quoteToken' is a required property" in callback_errors(incomplete)


def test_a_misspelt_or_incomplete_outgoing_message_is_refused():
    postback = {
        "type": "action",
        "action": {"type": "postback", "label": "はい", "data": "/affirm", "displayText": "はい"},
    }
    good = {"type": "text", "text": "はい", "quickReply": {"items": [postback]}}
    assert reply_errors(good) == []
    assert reply_errors({"type": "text", "text": "はい", "quick_reply": good["quickReply"]}) != []
    assert reply_errors({"type": "image", "originalContentUrl": "https://example.com/a.png"}) != []
    assert reply_errors({"type": "txt", "text": "はい"}) != []
    assert reply_errors(*[good] * 6) != []


def test_limits_the_schema_does_not_state_are_checked_too():
    label = {"type": "action", "action": {"type": "postback", "label": "あ" * 21, "data": "/x"}}
    body = {"messages": [{"type": "text", "text": "い" * 5001, "quickReply": {"items": [label]}}]}
    assert len(limit_errors(body)) == 2
