"""A message with several guide questions is handled as one message per question, in order."""

import asyncio

import pytest
from rasa.core.agent import Agent
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

from bot.runtime import several_questions

# How the stand-in classifier reads each text: (intent, guide answer).
READINGS = {
    "振込用紙はいつ届きますか。": ("faq", "faq/renewal_slip_arrival"),
    "コンビニでも払えますか？": ("faq", "faq/renewal_where_to_pay"),
    "郵便局で払った場合の入金確認は何日かかりますか？": ("faq", "faq/renewal_payment_confirmation"),
    "振込用紙が届くまでの日数を知りたいです": ("faq", "faq/renewal_slip_arrival"),
    "領収書は出してもらえますか？": ("out_of_scope", None),
}


class Tracker:
    def __init__(self, active_loop_name):
        self.active_loop_name = active_loop_name


class TrackerStore:
    def __init__(self, active_loop_name=None):
        self.tracker = Tracker(active_loop_name)

    async def retrieve(self, sender_id):
        return self.tracker


class StandInAgent:
    def __init__(self, active_loop_name=None):
        self.tracker_store = TrackerStore(active_loop_name)

    async def parse_message(self, text):
        intent, answer = READINGS.get(text, ("greet", None))
        # As Rasa gives it: the guide answer is the ResponseSelector's, under "default".
        return {
            "text": text,
            "intent": {"name": intent, "confidence": 0.9},
            "response_selector": {
                "all_retrieval_intents": ["faq"],
                "default": {"response": {"intent_response_key": answer}},
            },
        }


@pytest.fixture
def handled(monkeypatch):
    """The texts Rasa's own handle_message was given, in order, once the wrap is installed."""
    seen = []

    async def rasa_handles(agent, message):
        seen.append((message.text, message.sender_id, message.output_channel, message.metadata))
        return [{"text": f"answer to {message.text}"}]

    monkeypatch.setattr(Agent, "handle_message", rasa_handles)
    several_questions.install()
    return seen


def send(text, agent=None):
    message = UserMessage(
        text, CollectingOutputChannel(), "customer-1", input_channel="rest", metadata={"channel": "web"}
    )
    replies = asyncio.run(Agent.handle_message(agent or StandInAgent(), message))
    return message, replies


def test_two_guide_questions_are_handled_one_by_one_in_order(handled):
    message, replies = send("振込用紙はいつ届きますか。コンビニでも払えますか？")
    assert [text for text, *_ in handled] == ["振込用紙はいつ届きますか。", "コンビニでも払えますか？"]
    # One conversation, one output, the whole message's metadata: the customer gets one reply.
    assert {(sender, channel, str(metadata)) for _, sender, channel, metadata in handled} == {
        ("customer-1", message.output_channel, "{'channel': 'web'}")
    }
    assert replies == [{"text": "answer to 振込用紙はいつ届きますか。"}, {"text": "answer to コンビニでも払えますか？"}]


@pytest.mark.parametrize(
    "text",
    [
        "振込用紙はいつ届きますか。",  # one question
        "振込用紙はいつ届きますか。領収書は出してもらえますか？",  # the second is not in the guides
        "振込用紙はいつ届きますか。振込用紙が届くまでの日数を知りたいです",  # the same answer twice
        "振込用紙はいつ届きますか。更新したいので手続きできますか",  # the second is no guide question
    ],
)
def test_anything_else_is_read_as_one_message(handled, text):
    send(text)
    assert [t for t, *_ in handled] == [text]


def test_a_form_waiting_for_an_answer_gets_the_message_whole(handled):
    text = "振込用紙はいつ届きますか。コンビニでも払えますか？"
    send(text, StandInAgent(active_loop_name="renewal_form"))
    assert [t for t, *_ in handled] == [text]


def test_each_question_reaches_rasa_with_the_reading_already_made(monkeypatch):
    given = []

    async def rasa_handles(agent, message):
        given.append(message.parse_data)

    monkeypatch.setattr(Agent, "handle_message", rasa_handles)
    several_questions.install()
    send("振込用紙はいつ届きますか。コンビニでも払えますか？")
    # Rasa takes a given reading as it is: each question is read once, not twice.
    assert [reading["text"] for reading in given] == ["振込用紙はいつ届きますか。", "コンビニでも払えますか？"]
