"""The table of wraps of Rasa's internals (bot/runtime/patches.py): each entry changes a behaviour of
Rasa's that its check below shows, failing on Rasa as shipped and passing with the entry installed;
installing twice is installing once; another Rasa version is refused.

Where Rasa's own code needs a trained model or a server (handling a message, loading the model),
a stand-in takes its place before the wrap is installed, as the wrap then finds it."""

import asyncio
import gc
import re
import tempfile
from pathlib import Path
from typing import Any, Callable, Dict, List

import jsonschema
import pytest
import rasa
import rasa.shared.utils.common
import yaml
from rasa.core import run as rasa_run
from rasa.core import tracker_store
from rasa.core.actions.action import RemoteAction
from rasa.core.agent import Agent
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.core.processor import MessageProcessor
from rasa.core.tracker_store import FailSafeTrackerStore, InMemoryTrackerStore, SQLTrackerStore
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    BotUttered,
    Event,
    FollowupAction,
    UserUtteranceReverted,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker
from sanic import Sanic

from bot import log_privacy, metrics
from bot.runtime import guards, patches, rasa_server
from bot.runtime.shared_state import SharedState
from project_helpers import ROOT

Check = Callable[[pytest.MonkeyPatch, Callable[[], SharedState]], None]
RESPONSES = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))["responses"]


@pytest.fixture(autouse=True)
def rasa_as_shipped(monkeypatch):
    """Every target of the table put back after the test, whatever it installed."""
    for wrap in patches.table(SharedState(None)):
        for owner, attribute in wrap.targets:
            monkeypatch.setattr(owner, attribute, vars(owner).get(attribute, getattr(owner, attribute)))


def outcome(awaitable) -> Any:
    """What the coroutine returned, or the exception it raised."""
    try:
        return asyncio.run(awaitable)
    except Exception as error:
        return error


def rasa_handles_messages(monkeypatch) -> List[UserMessage]:
    """Agent.handle_message as a stand-in for Rasa's, which needs a model: the messages it was given."""
    seen: List[UserMessage] = []

    async def handle_message(agent, message):
        seen.append(message)
        return []

    monkeypatch.setattr(Agent, "handle_message", handle_message)
    return seen


def send(agent, text: str, channel: str = "rest") -> CollectingOutputChannel:
    output = CollectingOutputChannel()
    asyncio.run(Agent.handle_message(agent, UserMessage(text, output, "c-1", input_channel=channel)))
    return output


class StandInAgent:
    """What the wraps of Agent.handle_message read of the agent: its domain's responses and their
    generator, its tracker store, its reading of a text."""

    def __init__(self, events=(), readings: Dict[str, str] = None) -> None:
        self.domain = Domain.from_dict({"responses": {"utter_faq/renewal_years": [{"text": "1〜3年です"}]}})
        self.nlg = TemplatedNaturalLanguageGenerator(self.domain.responses)
        self.tracker_store = InMemoryTrackerStore(self.domain)
        asyncio.run(self.tracker_store.save(DialogueStateTracker.from_events("c-1", list(events))))
        self.readings = readings or {}

    async def parse_message(self, text):
        answer = self.readings.get(text)
        return {
            "text": text,
            "intent": {"name": "faq" if answer else "greet", "confidence": 0.9},
            "response_selector": {"default": {"response": {"intent_response_key": answer}}},
        }


def channels_get_the_shared_state(monkeypatch, install):
    shared = install()
    line = rasa_run._create_single_channel("bot.channels.line.LineInput", None)
    assert line.seen_events is shared.seen_events


def several_questions_are_handled_one_by_one(monkeypatch, install):
    handled = rasa_handles_messages(monkeypatch)
    install()
    agent = StandInAgent(
        readings={
            "振込用紙はいつ届きますか。": "faq/renewal_slip_arrival",
            "コンビニでも払えますか？": "faq/renewal_where_to_pay",
        }
    )
    send(agent, "振込用紙はいつ届きますか。コンビニでも払えますか？")
    assert [message.text for message in handled] == ["振込用紙はいつ届きますか。", "コンビニでも払えますか？"]


def a_chosen_answer_arrives_read(monkeypatch, install):
    handled = rasa_handles_messages(monkeypatch)
    install()
    send(StandInAgent(), "/faq/renewal_years")
    # As shipped, Rasa gets no reading and would classify the payload as text.
    assert (handled[0].parse_data or {}).get("intent") == {"name": "faq", "confidence": 1.0}


def a_typed_score_is_the_rating_button(monkeypatch, install):
    handled = rasa_handles_messages(monkeypatch)
    install()
    asked = BotUttered("よろしければ…", metadata={"utter_action": "utter_ask_csat"})
    send(StandInAgent(events=[asked]), "5")
    assert handled[0].text == '/rate_answer{"csat_score": "5"}'


def an_empty_message_is_refused_politely(monkeypatch, install):
    handled = rasa_handles_messages(monkeypatch)
    install()
    output = send(StandInAgent(), "  ")
    assert [message["text"] for message in output.messages] == [RESPONSES[guards.EMPTY][0]["text"]] and not handled


def a_turn_has_a_time_budget(monkeypatch, install):
    budgets = []

    async def handle_message(processor, message):
        budgets.append(guards._turn_budget.get())

    monkeypatch.setattr(MessageProcessor, "handle_message", handle_message)
    install()
    asyncio.run(MessageProcessor.handle_message(None, UserMessage("こんにちは")))
    assert budgets[0] is not None and budgets[0].left() > 0


def a_failed_action_becomes_a_polite_message(monkeypatch, install):
    install()
    domain = Domain.empty()
    # No action server configured: Rasa raises, and the customer would hear nothing.
    events = outcome(
        RemoteAction("action_check", None).run(
            CollectingOutputChannel(), TemplatedNaturalLanguageGenerator({}), DialogueStateTracker("c-1", []), domain
        )
    )
    said = BotUttered(
        RESPONSES[guards.TROUBLE][0]["text"], metadata={"utter_action": guards.TROUBLE, "guard": "action_failed"}
    )
    assert events == [said, FollowupAction(ACTION_LISTEN_NAME)]


def pooled_connections_are_tested(monkeypatch, install):
    install()
    assert tracker_store.create_engine_kwargs("postgresql://bot@localhost/tracker").get("pool_pre_ping") is True


class StoreDown(OSError):
    pass


class BrokenStore(InMemoryTrackerStore):
    async def retrieve(self, sender_id):
        raise StoreDown

    async def retrieve_full_tracker(self, sender_id):
        raise StoreDown

    async def save(self, tracker):
        raise StoreDown


def store_errors_are_not_hidden(monkeypatch, install):
    install()
    store = FailSafeTrackerStore(BrokenStore(Domain.empty()))
    tracker = DialogueStateTracker("c-1", [])
    results = [
        outcome(store.retrieve("c-1")),
        outcome(store.retrieve_full_tracker("c-1")),
        outcome(store.save(tracker)),
    ]
    assert all(isinstance(result, StoreDown) for result in results), results


def understanding_is_counted(monkeypatch, install):
    async def parse_message(processor, message, *args, **kwargs):
        return {"intent": {"name": "nlu_fallback"}}

    monkeypatch.setattr(MessageProcessor, "parse_message", parse_message)
    install()
    counted = metrics.INTENTS.labels("nlu_fallback")
    before = counted._value.get()
    asyncio.run(MessageProcessor.parse_message(None, UserMessage("?")))
    assert counted._value.get() == before + 1


def messages_are_counted(monkeypatch, install):
    rasa_handles_messages(monkeypatch)
    install()
    counted = metrics.MESSAGES.labels("patch-check")
    before = counted._value.get()
    send(StandInAgent(), "こんにちは", channel="patch-check")
    assert counted._value.get() == before + 1


def the_server_has_a_metrics_page(monkeypatch, install):
    install()
    # Sanic refuses a second app of the same name in one process; this one is the test's alone.
    monkeypatch.setattr(Sanic, "_app_registry", {})
    app = rasa_run.configure_app(enable_api=False)
    assert "metrics" in {route.path for route in app.router.routes}


def one_validator_checks_every_action_result(monkeypatch, install):
    calls = []
    validate = jsonschema.validate
    monkeypatch.setattr(jsonschema, "validate", lambda *args, **kwargs: calls.append(1) or validate(*args, **kwargs))
    install()
    action = RemoteAction("action_check", None)
    assert action._validate_action_result({"events": [], "responses": []}) is True
    assert action._validate_action_result({"events": [], "responses": []}) is True
    # Rasa builds a validator for each result with jsonschema.validate.
    assert calls == []


def an_event_type_is_looked_up_once(monkeypatch, install):
    walks = []
    all_subclasses = rasa.shared.utils.common.all_subclasses
    # all_subclasses calls itself for each subclass: only the walks from Event count.
    monkeypatch.setattr(
        rasa.shared.utils.common,
        "all_subclasses",
        lambda cls: (cls is Event and walks.append(cls)) or all_subclasses(cls),
    )
    install()
    Event.resolve_by_type("user")
    Event.resolve_by_type("user")
    assert len(walks) == 1


def the_loaded_model_is_frozen(monkeypatch, install):
    async def load_agent_on_start(*args, **kwargs):
        return "agent"

    monkeypatch.setattr(rasa_run, "load_agent_on_start", load_agent_on_start)
    install()
    gc.unfreeze()
    try:
        assert asyncio.run(rasa_run.load_agent_on_start("model.tar.gz", None, None, None)) == "agent"
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


def a_read_parses_only_what_is_new(monkeypatch, install):
    install()
    parsed = []
    from_parameters = Event.from_parameters
    monkeypatch.setattr(
        Event,
        "from_parameters",
        staticmethod(
            lambda parameters, default=None: parsed.append(parameters) or from_parameters(parameters, default)
        ),
    )
    with tempfile.TemporaryDirectory() as folder:
        store = SQLTrackerStore(Domain.empty(), host=f"sqlite:///{Path(folder) / 'tracker.db'}")
        try:
            events = [ActionExecuted(ACTION_LISTEN_NAME), UserUttered("こんにちは"), BotUttered("はい")]
            asyncio.run(store.save(DialogueStateTracker.from_events("c-1", events)))
            tracker = asyncio.run(store.retrieve("c-1"))
            tracker.update(ActionExecuted(ACTION_LISTEN_NAME))
            asyncio.run(store.save(tracker))
            parsed.clear()
            # As shipped, Rasa parses the four stored events on every read.
            assert len(asyncio.run(store.retrieve("c-1")).events) == 4 and parsed == []
        finally:
            store.engine.dispose()


def a_tracker_works_out_only_its_new_events(monkeypatch, install):
    install()
    undone = []
    undo = DialogueStateTracker._undo_till_previous
    monkeypatch.setattr(
        DialogueStateTracker, "_undo_till_previous", staticmethod(lambda *args: undone.append(1) or undo(*args))
    )
    taken_back = [ActionExecuted(ACTION_LISTEN_NAME), UserUttered("いいえ"), UserUtteranceReverted()]
    tracker = DialogueStateTracker.from_events("c-1", taken_back * 20)
    assert tracker.applied_events() == []
    undone.clear()
    # A message taken back replays the tracker's applied events: as shipped, Rasa works out all
    # 63 events again, 21 messages taken back with two undos each.
    for event in [ActionExecuted(ACTION_LISTEN_NAME), UserUttered("はい"), UserUtteranceReverted()]:
        tracker.update(event)
    assert tracker.applied_events() == [] and len(undone) == 2


def a_later_turn_replays_only_its_new_events(monkeypatch, install):
    stock = Domain.states_for_tracker_history
    install()
    applied = []
    update = DialogueStateTracker.update
    monkeypatch.setattr(
        DialogueStateTracker, "update", lambda self, event, *rest: applied.append(event) or update(self, event, *rest)
    )
    domain = Domain.from_dict({"intents": ["greet"], "responses": {"utter_greet": [{"text": "はい"}]}})
    events = [ActionExecuted(ACTION_LISTEN_NAME), UserUttered("こんにちは", {"name": "greet"})]
    events += [ActionExecuted("utter_greet"), ActionExecuted(ACTION_LISTEN_NAME)]
    DialogueStateTracker.from_events("c-1", events).past_states(domain)
    events.append(UserUttered("もう一度", {"name": "greet"}))
    later = DialogueStateTracker.from_events("c-1", events)
    applied.clear()
    states = later.past_states(domain)
    # As shipped, Rasa replays all five events on a fresh copy of the tracker.
    assert applied == events[-1:] and states == stock(domain, later)


# Each entry of the table and the check of what it changes.
CHECKS: Dict[str, Check] = {
    "hand_shared_state_to_channels": channels_get_the_shared_state,
    "several_questions": several_questions_are_handled_one_by_one,
    "chosen_answers": a_chosen_answer_arrives_read,
    "typed_ratings": a_typed_score_is_the_rating_button,
    "guard_messages": an_empty_message_is_refused_politely,
    "budget_turns": a_turn_has_a_time_budget,
    "guard_actions": a_failed_action_becomes_a_polite_message,
    "check_pooled_connections": pooled_connections_are_tested,
    "fail_loudly_on_store_errors": store_errors_are_not_hidden,
    "count_understanding": understanding_is_counted,
    "count_messages": messages_are_counted,
    "serve_metrics_page": the_server_has_a_metrics_page,
    "validate_action_results_with_one_validator": one_validator_checks_every_action_result,
    "resolve_event_types_once": an_event_type_is_looked_up_once,
    "freeze_the_loaded_model": the_loaded_model_is_frozen,
    "read_only_what_is_new": a_read_parses_only_what_is_new,
    "applied_events_grow_with_the_tracker": a_tracker_works_out_only_its_new_events,
    "replay_only_new_events": a_later_turn_replays_only_its_new_events,
}
NAMES = [wrap.name for wrap in patches.table(SharedState(None))]


def installing(name: str) -> Callable[[], SharedState]:
    def install() -> SharedState:
        shared = SharedState(None)
        patches.install(shared, {name})
        return shared

    return install


def test_every_entry_has_its_check_and_names_what_it_wraps():
    assert len(set(NAMES)) == len(NAMES)
    assert set(CHECKS) == set(NAMES)
    for wrap in patches.table(SharedState(None)):
        assert wrap.wraps() and all(name.startswith("rasa.") for name in wrap.wraps()), wrap.name


@pytest.mark.parametrize("name", NAMES)
def test_the_check_fails_on_rasa_as_shipped(monkeypatch, name):
    with pytest.raises(AssertionError):
        CHECKS[name](monkeypatch, lambda: SharedState(None))


@pytest.mark.parametrize("name", NAMES)
def test_the_check_passes_with_the_entry_installed(monkeypatch, name):
    CHECKS[name](monkeypatch, installing(name))


def replacements() -> List[Any]:
    return [getattr(owner, attribute) for wrap in patches.table(SharedState(None)) for owner, attribute in wrap.targets]


def test_installing_twice_is_installing_once(monkeypatch):
    shared = SharedState(None)
    patches.install(shared)
    once = replacements()
    assert all(wrap.installed() for wrap in patches.table(shared))
    patches.install(shared)
    assert all(now is then for now, then in zip(replacements(), once))


def test_a_message_is_counted_once_however_often_its_wrap_was_installed(monkeypatch):
    rasa_handles_messages(monkeypatch)
    patches.install(SharedState(None), {"count_messages"})
    patches.install(SharedState(None), {"count_messages"})
    counted = metrics.MESSAGES.labels("patch-twice")
    before = counted._value.get()
    send(StandInAgent(), "こんにちは", channel="patch-twice")
    assert counted._value.get() == before + 1


def test_another_rasa_version_is_refused_and_nothing_is_wrapped(monkeypatch):
    monkeypatch.setattr(rasa, "__version__", "3.6.20")
    before = replacements()
    with pytest.raises(patches.UnsupportedRasa, match=r"written for Rasa 3\.6\.21, and this is Rasa 3\.6\.20"):
        patches.install(SharedState(None))
    assert all(now is then for now, then in zip(replacements(), before))


def test_the_rasa_server_does_not_start_on_another_rasa_version(monkeypatch):
    monkeypatch.setattr(rasa, "__version__", "3.7.0")
    monkeypatch.setattr(rasa_server, "rasa_main", lambda: pytest.fail("Rasa started"))
    # What main sets for Rasa, put back after the test.
    monkeypatch.setattr(log_privacy, "install", lambda: None)
    monkeypatch.setenv("TRACKER_STORE_URL", "sqlite:///unused.db")
    monkeypatch.setattr("sys.argv", ["bot.runtime.rasa_server"])
    with pytest.raises(SystemExit) as stop:
        rasa_server.main()
    assert "Rasa server not started" in str(stop.value.code) and "Rasa 3.7.0" in str(stop.value.code)


def test_the_wraps_were_written_for_the_rasa_the_lock_pins():
    pinned = re.search(r"^rasa==(\S+)$", (ROOT / "requirements.lock").read_text(encoding="utf-8"), re.MULTILINE)
    assert pinned and pinned.group(1) == patches.RASA_VERSION == rasa.__version__
