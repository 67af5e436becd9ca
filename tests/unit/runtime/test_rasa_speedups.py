"""The faster check of action responses accepts and refuses exactly what Rasa's own does."""

import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction

from bot.runtime import rasa_speedups

GOOD = {"events": [{"event": "slot", "name": "task", "value": None}], "responses": [{"response": "utter_greet"}]}
BAD = [{"events": "not a list"}, {"events": [{"no": "event"}]}, {"responses": [5]}]


@pytest.fixture
def patched(monkeypatch):
    monkeypatch.setattr(RemoteAction, "_validate_action_result", RemoteAction._validate_action_result)
    rasa_speedups.validate_action_results_with_one_validator()
    return RemoteAction("action_x", None)


def test_good_responses_pass(patched):
    assert patched._validate_action_result(GOOD) is True


@pytest.mark.parametrize("result", BAD)
def test_bad_responses_fail_with_rasas_own_message(patched, result):
    with pytest.raises(ValidationError) as failed:
        patched._validate_action_result(result)
    assert "Failed to validate Action server response" in failed.value.message


@pytest.mark.parametrize(
    "type_name", ["user", "bot", "action", "slot", "active_loop", "pause", "resume", "session_started"]
)
def test_event_types_resolve_to_the_same_classes(monkeypatch, type_name):
    from rasa.shared.core.events import Event

    monkeypatch.setattr(Event, "resolve_by_type", Event.resolve_by_type)
    expected = Event.resolve_by_type(type_name)
    rasa_speedups.resolve_event_types_once()
    assert Event.resolve_by_type(type_name) is expected
    assert Event.resolve_by_type(type_name) is expected  # from the cache now


def test_unknown_event_types_get_rasas_own_answer(monkeypatch):
    from rasa.shared.core.events import Event

    monkeypatch.setattr(Event, "resolve_by_type", Event.resolve_by_type)
    rasa_speedups.resolve_event_types_once()
    assert Event.resolve_by_type("no-such-event", default=Event) is Event
    assert Event.resolve_by_type("topic") is None
    with pytest.raises(ValueError):
        Event.resolve_by_type("no-such-event")


def test_a_tracker_changed_within_a_prediction_gets_its_own_history(monkeypatch):
    from types import SimpleNamespace

    from rasa.core.processor import MessageProcessor
    from rasa.engine.constants import PLACEHOLDER_TRACKER
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import ActionExecuted, SlotSet, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    monkeypatch.setattr(MessageProcessor, "_predict_next_with_tracker", MessageProcessor._predict_next_with_tracker)
    monkeypatch.setattr(Domain, "states_for_tracker_history", Domain.states_for_tracker_history)
    domain = Domain.from_dict(
        {
            "intents": ["greet"],
            "slots": {"task": {"type": "categorical", "values": ["a", "b"], "mappings": [{"type": "custom"}]}},
        }
    )
    stock = Domain.states_for_tracker_history
    rasa_speedups.one_state_history_per_prediction()

    class Policy:
        def run(self, inputs, targets):
            tracker = inputs[PLACEHOLDER_TRACKER]
            seen = [tracker.past_states(domain), tracker.past_states(domain, omit_unset_slots=True)]
            tracker.update(SlotSet("task", "b"))
            seen.append(tracker.past_states(domain))
            for rule_only_slots in (["task"], []):
                seen.append(
                    tracker.past_states(
                        domain, ignore_rule_only_turns=True, rule_only_data={"rule_only_slots": rule_only_slots}
                    )
                )
            return {"core": seen}

    tracker = DialogueStateTracker.from_events(
        "c-1",
        [ActionExecuted("action_listen"), UserUttered("はい", {"name": "greet"}), SlotSet("task", "a")],
        domain.slots,
    )
    tracker.followup_action = None
    processor = SimpleNamespace(
        domain=domain, graph_runner=Policy(), model_metadata=SimpleNamespace(core_target="core")
    )
    seen = MessageProcessor._predict_next_with_tracker(processor, tracker)
    replayed = DialogueStateTracker.from_events("c-1", list(tracker.events)[:-1], domain.slots)
    assert seen[0] == stock(domain, replayed) and seen[1] == stock(domain, replayed, omit_unset_slots=True)
    assert seen[2] == stock(domain, tracker) != seen[0]
    assert seen[3] == stock(domain, tracker, False, True, {"rule_only_slots": ["task"]}) != seen[2]
    assert seen[4] == stock(domain, tracker, False, True, {"rule_only_slots": []}) != seen[3]
