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
