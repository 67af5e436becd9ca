"""When the bot asks how helpful it was: once a session, never in the middle of a form."""

import pytest

from bot.support.satisfaction import (
    COMMENT_CHARS,
    asked_in_session,
    comment_of,
    score_of,
    session_started_at,
    should_ask,
)

ASKED = {"event": "bot", "text": "…", "metadata": {"utter_action": "utter_ask_csat"}, "timestamp": 3.0}


def started(at):
    return {"event": "session_started", "timestamp": at}


def test_asked_once_a_session():
    assert should_ask([started(1.0), {"event": "user", "timestamp": 2.0}], None)
    assert not should_ask([started(1.0), ASKED], None)
    # A new session may be asked again; the rating is kept under the new session's start.
    assert should_ask([started(1.0), ASKED, started(9.0)], None)
    assert session_started_at([started(1.0), ASKED, started(9.0)]) == 9.0


def test_never_while_a_form_waits_for_an_answer():
    assert not should_ask([started(1.0)], "verify_form")


def test_other_bot_messages_are_not_the_question():
    other = {"event": "bot", "text": "…", "metadata": {"utter_action": "utter_thank"}}
    assert not asked_in_session([started(1.0), other, {"event": "bot", "text": "…"}])


@pytest.mark.parametrize(
    "value, score",
    [
        ("5", 5),
        ("1", 1),
        (" 3 ", 3),
        ("４", 4),
        (2, 2),
        ("0", None),
        ("6", None),
        ("", None),
        (None, None),
        ("five", None),
    ],
)
def test_a_score_is_one_to_five(value, score):
    assert score_of(value) == score


def test_a_comment_is_the_words_trimmed_and_not_a_payload():
    assert comment_of("  わかり やすかった\n です ") == "わかり やすかった です"
    assert comment_of("/deny") is None and comment_of("   ") is None
    assert len(comment_of("長" * 2000)) == COMMENT_CHARS
