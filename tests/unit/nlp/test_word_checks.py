"""The NLU checks on the words: a person for a message asking for one, whatever else it asks, and
not knowing read as an answer, not a no."""

import pytest
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlp.rasa_components import NotKnowingCheck, PersonRequestCheck


def parsed(text, intent, confidence=0.99):
    message = Message(data={TEXT: text})
    message.set(INTENT, {"name": intent, "confidence": confidence})
    message.set(
        INTENT_RANKING_KEY,
        [{"name": intent, "confidence": confidence}, {"name": "request_human", "confidence": 1 - confidence}],
    )
    return message


def test_a_guide_question_with_a_wish_for_a_person_goes_to_a_person():
    message = parsed("振込用紙が届かないので担当者と話したいです", "faq")
    PersonRequestCheck().process([message])
    assert message.get(INTENT) == {"name": "request_human", "confidence": 1.0}
    # What the classifiers chose drops to nothing: the fallback's ambiguity rule must not refuse it.
    assert message.get(INTENT_RANKING_KEY) == [
        {"name": "request_human", "confidence": 1.0},
        {"name": "faq", "confidence": 0.0},
    ]
    # The question stays readable for the ticket.
    assert message.get("read_beside_the_wish") == "faq"


def test_a_request_with_a_wish_for_a_person_goes_to_a_person():
    message = parsed("更新の申し込みをしたいので、オペレーターにつないで", "apply_renewal")
    PersonRequestCheck().process([message])
    assert message.get(INTENT)["name"] == "request_human"


def test_a_request_for_a_person_the_classifiers_doubted_is_made_certain():
    message = parsed("再設定メールが来なくて困ってます。オペレーターさんと話せますか", "request_human", 0.53)
    PersonRequestCheck().process([message])
    assert message.get(INTENT) == {"name": "request_human", "confidence": 1.0}
    assert message.get("read_beside_the_wish") is None


def test_messages_that_do_not_ask_for_a_person_keep_their_reading():
    message = parsed("担当者から連絡が来ないのですが、振込用紙はいつ届きますか", "faq", 0.9)
    PersonRequestCheck().process([message])
    assert message.get(INTENT) == {"name": "faq", "confidence": 0.9}
    assert message.get("read_beside_the_wish") is None


def test_not_knowing_read_as_a_no_becomes_an_answer():
    message = parsed("うーん、よくわからないです", "deny", 0.8)
    NotKnowingCheck().process([message])
    assert message.get(INTENT) == {"name": "inform", "confidence": 0.8}
    assert message.get(INTENT_RANKING_KEY)[:2] == [
        {"name": "inform", "confidence": 0.8},
        {"name": "request_human", "confidence": 1 - 0.8},
    ]


@pytest.mark.parametrize("text, intent", [("わからないのでやめます", "deny"), ("わからない", "faq")])
def test_a_no_and_other_readings_stay(text, intent):
    message = parsed(text, intent, 0.8)
    NotKnowingCheck().process([message])
    assert message.get(INTENT) == {"name": intent, "confidence": 0.8}
