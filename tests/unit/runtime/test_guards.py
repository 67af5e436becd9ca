"""The time a message may take counts from the moment it is taken up, as the customer counts it; what
the guards say is the agent's response, and domain.yml's when the agent cannot say it."""

import asyncio
import time
from typing import Any, Dict, List

import pytest
import yaml
from rasa.core.actions.action import RemoteAction
from rasa.core.agent import Agent
from rasa.core.channels.channel import CollectingOutputChannel, OutputChannel, UserMessage
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.slots import TextSlot
from rasa.shared.core.trackers import DialogueStateTracker

from bot.runtime import guards
from bot.runtime.guards import _TurnBudget
from bot.services.responses import MissingResponse, Responses
from project_helpers import ROOT


def test_time_spent_understanding_a_message_is_taken_from_its_actions_budget():
    budget = _TurnBudget(0.5)
    time.sleep(0.3)  # understanding the message, waiting for its conversation's lock
    assert budget.left() <= 0.2


def test_a_spent_budget_leaves_nothing_not_a_negative_time():
    budget = _TurnBudget(0.05)
    time.sleep(0.1)
    assert budget.left() == 0.0


# What the guards say: the agent's responses, and domain.yml's when the agent cannot say them.


class Always:
    async def allow(self, sender_id: str) -> bool:
        return True


class Never:
    async def allow(self, sender_id: str) -> bool:
        return False


class FailingGenerator(TemplatedNaturalLanguageGenerator):
    async def generate(self, *args, **kwargs):
        raise ConnectionError("the response generator is down")


@pytest.fixture
def rasa_fails(monkeypatch):
    """Agent.handle_message as Rasa's when the tracker store is down; put back after the test."""

    async def handle_message(agent, message):
        raise OSError("tracker store down")

    monkeypatch.setattr(Agent, "handle_message", handle_message)


def domain_text(name: str) -> str:
    return yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))["responses"][name][0]["text"]


def agent_with(responses) -> Agent:
    return Agent(domain=Domain.from_dict({"responses": responses}))


def send(agent: Agent, text: str, channel: OutputChannel = None) -> List[Dict[str, Any]]:
    output = channel or CollectingOutputChannel()
    asyncio.run(Agent.handle_message(agent, UserMessage(text, output, "c-1")))
    return output.messages


def test_a_guard_says_the_agents_response_for_the_channel(rasa_fails):
    guards.guard_messages(Never(), 2000, 4)
    person = [{"title": "担当者", "payload": "/request_human"}]
    agent = agent_with(
        {
            guards.RATE_LIMITED: [
                {"text": "お待ちください"},
                {"channel": "collector", "text": "少々お待ちください", "buttons": person},
            ]
        }
    )
    [said] = send(agent, "こんにちは")
    assert said["text"] == "少々お待ちください" and said["buttons"] == person


def test_the_limit_is_filled_into_the_refusal_of_a_long_message(rasa_fails):
    guards.guard_messages(Always(), 5, 4)
    agent = agent_with({guards.TOO_LONG: [{"text": "{limit}文字までです"}]})
    assert [said["text"] for said in send(agent, "あいうえおか")] == ["5文字までです"]


def test_without_a_model_the_guards_say_domain_ymls_words(rasa_fails):
    guards.guard_messages(Always(), 5, 4)
    agent = Agent()  # no model loaded: Rasa itself would ignore the message
    assert [said["text"] for said in send(agent, " ")] == [domain_text(guards.EMPTY)]
    assert [said["text"] for said in send(agent, "あいうえおか")] == [domain_text(guards.TOO_LONG).format(limit=5)]


def test_a_model_trained_before_a_guards_response_existed_gets_domain_ymls_words(rasa_fails):
    guards.guard_messages(Always(), 2000, 4)
    agent = agent_with({"utter_greet": [{"text": "こんにちは"}]})
    assert [said["text"] for said in send(agent, "こんにちは")] == [domain_text(guards.TROUBLE)]


def test_a_failing_response_generator_still_leaves_the_customer_an_answer(rasa_fails, caplog):
    guards.guard_messages(Always(), 2000, 4)
    agent = agent_with({guards.TROUBLE: [{"text": "不具合です"}]})
    agent.nlg = FailingGenerator({})
    assert [said["text"] for said in send(agent, "こんにちは")] == [domain_text(guards.TROUBLE)]
    assert "utter_guard_trouble not rendered by the agent (ConnectionError" in caplog.text


def test_a_failed_action_is_answered_with_the_response_for_the_conversation(monkeypatch):
    monkeypatch.setattr(RemoteAction, "run", RemoteAction.run)
    guards.guard_actions(1.0)
    nlg = TemplatedNaturalLanguageGenerator({guards.TROUBLE: [{"text": "{name}さま、失礼しました"}]})
    tracker = DialogueStateTracker.from_dict(
        "c-1", [{"event": "slot", "name": "name", "value": "山田"}], slots=[TextSlot("name", mappings=[])]
    )
    events = asyncio.run(
        RemoteAction("action_check", None).run(CollectingOutputChannel(), nlg, tracker, Domain.empty())
    )
    assert events[0].text == "山田さま、失礼しました"
    assert events[0].metadata == {"utter_action": guards.TROUBLE, "guard": "action_failed"}


def test_a_server_whose_domain_lacks_a_guards_words_does_not_start(monkeypatch, tmp_path):
    domain = tmp_path / "domain.yml"
    domain.write_text('responses:\n  utter_guard_empty:\n    - text: "空です"\n', encoding="utf-8")
    monkeypatch.setattr(guards, "of_the_domain", lambda: Responses(domain))
    monkeypatch.setattr(Agent, "handle_message", Agent.handle_message)
    with pytest.raises(MissingResponse, match="utter_guard_too_long"):
        guards.guard_messages(Always(), 2000, 4)
