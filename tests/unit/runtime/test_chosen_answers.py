"""A guide answer chosen from the bot's suggestions is given as chosen, not read as text."""

import asyncio

import pytest
from rasa.core.agent import Agent
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

from bot.runtime import chosen_answers

RESPONSES = {"utter_faq/renewal_years": [{"text": "1〜3年です"}], "utter_default": [{"text": "?"}]}


@pytest.mark.parametrize(
    "text, answer",
    [
        ("/faq/renewal_years", "faq/renewal_years"),
        (" /faq/renewal_years ", "faq/renewal_years"),
        ("/faq/renewal_unknown", None),  # no such answer in the domain
        ('/faq/renewal_years{"x": 1}', None),
        ("/request_human", None),
        ("更新年数は？ /faq/renewal_years", None),
    ],
)
def test_only_the_payload_of_an_answer_the_domain_has_counts(text, answer):
    assert chosen_answers.chosen_answer(text, RESPONSES) == answer


def test_the_reading_is_a_sure_guide_question_with_that_answer():
    reading = chosen_answers.reading_of("/faq/renewal_years", "faq/renewal_years")
    assert reading["intent"] == {"name": "faq", "confidence": 1.0}
    # What Rasa's utter_faq action and the handoff's topics read.
    selected = reading["response_selector"]["default"]["response"]
    assert selected["utter_action"] == "utter_faq/renewal_years"
    assert selected["intent_response_key"] == "faq/renewal_years"


class Domain:
    responses = RESPONSES


class StandInAgent:
    domain = Domain()


@pytest.fixture
def handled(monkeypatch):
    seen = []

    async def rasa_handles(agent, message):
        seen.append(message)

    monkeypatch.setattr(Agent, "handle_message", rasa_handles)
    chosen_answers.install()
    return seen


def send(text):
    asyncio.run(Agent.handle_message(StandInAgent(), UserMessage(text, CollectingOutputChannel(), "c-1")))


def test_a_chosen_answer_reaches_rasa_already_read(handled):
    send("/faq/renewal_years")
    [message] = handled
    assert message.parse_data["response_selector"]["default"]["response"]["intent_response_key"] == "faq/renewal_years"


@pytest.mark.parametrize("text", ["/faq/renewal_unknown", "更新年数を教えて"])
def test_anything_else_is_left_for_rasa_to_read(handled, text):
    send(text)
    [message] = handled
    assert message.parse_data is None
