"""Only a bare score right after the satisfaction question is taken as a rating."""

import json

from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered

from bot.runtime.typed_ratings import just_asked, rating_payload

ASKED = BotUttered("よろしければ…", metadata={"utter_action": "utter_ask_csat"})


def test_the_payload_is_the_buttons_own():
    assert rating_payload(4) == '/rate_answer{"csat_score": "4"}'
    assert json.loads(rating_payload(4)[len("/rate_answer") :]) == {"csat_score": "4"}


def test_only_right_after_the_question():
    assert just_asked([UserUttered("ありがとう"), ASKED, ActionExecuted("action_listen")])
    assert not just_asked(
        [
            ASKED,
            UserUttered("4"),
            BotUttered("ご回答ありがとうございました。", metadata={"utter_action": "utter_csat_thanks"}),
        ]
    )
    assert not just_asked([ASKED, UserUttered("パスワードを忘れました")])
    assert not just_asked([])
