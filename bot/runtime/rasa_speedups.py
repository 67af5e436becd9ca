"""Work Rasa 3.6 does on every turn that it need not, removed at start-up (bot/runtime/patches.py).

- Each custom action's response is checked with `jsonschema.validate`, which checks the
  schema itself and builds a validator every time: 22.6 ms per call measured here, against
  1.1 ms for a validator built once (and a turn often calls two actions).
- Each stored event of the conversation, read back on every turn, finds its class by
  walking all of Event's subclasses: the walk grew a turn by 13 ms between turn 5 and turn
  50 of one conversation. The class of a type name is looked up once.
- The loaded model is some 700,000 Python objects that live as long as the server, yet
  every full garbage collection walks them all (0.4 to 0.8 s measured, at the same message
  count every run). They are frozen out of the collector once the model is loaded.
- Each policy turns the whole conversation into its state history, and RulePolicy twice, by
  replaying every event on a copy of the tracker: at the 50th message of a conversation the
  policies took 15.6 ms a turn against 3.2 ms at the 5th. Within one prediction a history is
  computed once for each set of arguments and shared; each caller gets its own copy of the
  states (the featurizers delete keys from them), and a tracker that has gained or lost an
  event since gets a new one.
"""

from __future__ import annotations

import copy
import functools
import gc
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Tuple, Type

import jsonschema
from jsonschema import ValidationError
from rasa.core import run as rasa_run
from rasa.core.actions.action import RemoteAction
from rasa.core.processor import MessageProcessor
from rasa.shared.core.domain import Domain, State
from rasa.shared.core.events import Event
from rasa.shared.core.trackers import DialogueStateTracker


def validate_action_results_with_one_validator() -> None:
    original = RemoteAction._validate_action_result
    spec = RemoteAction.action_response_format_spec()
    validator = jsonschema.validators.validator_for(spec)(spec)

    @functools.wraps(original)
    def validate(self: RemoteAction, result) -> bool:
        try:
            validator.validate(result)
        except ValidationError:
            # Rasa's own wording for the error, which the check above only found faster.
            return original(self, result)
        return True

    RemoteAction._validate_action_result = validate


def resolve_event_types_once() -> None:
    original = Event.resolve_by_type
    found: Dict[str, Type[Event]] = {}

    @functools.wraps(original)
    def resolve_by_type(type_name: str, default: Optional[Type[Event]] = None) -> Optional[Type[Event]]:
        if type_name in found:
            return found[type_name]
        cls = original(type_name, default)  # Rasa's own answer, errors included
        if cls is not None and cls is not default:
            found[type_name] = cls
        return cls

    Event.resolve_by_type = staticmethod(resolve_by_type)


def freeze_the_loaded_model() -> None:
    load = rasa_run.load_agent_on_start

    @functools.wraps(load)
    async def load_then_freeze(*args, **kwargs):
        agent = await load(*args, **kwargs)
        gc.collect()
        gc.freeze()
        return agent

    rasa_run.load_agent_on_start = load_then_freeze


@dataclass(frozen=True)
class _History:
    domain: Domain
    tracker: DialogueStateTracker
    # The tracker as it was: how many events, and the last one (held, so its id cannot be reused).
    length: int
    last: Optional[Event]
    arguments: Tuple[bool, bool]
    rule_only_data: Optional[Dict[str, Any]]
    states: List[State]


# The histories computed in the prediction under way; None outside one.
_histories: ContextVar[Optional[List[_History]]] = ContextVar("state_histories", default=None)


def _own_states(states: List[State]) -> List[State]:
    # A state maps to sub-states of strings and tuples: two levels are what callers change.
    return [
        {key: dict(value) if isinstance(value, dict) else value for key, value in state.items()} for state in states
    ]


def one_state_history_per_prediction() -> None:
    predict = MessageProcessor._predict_next_with_tracker
    states_for_tracker_history = Domain.states_for_tracker_history

    @functools.wraps(predict)
    def predict_sharing_histories(self: MessageProcessor, tracker: DialogueStateTracker):
        token = _histories.set([])
        try:
            return predict(self, tracker)
        finally:
            _histories.reset(token)

    @functools.wraps(states_for_tracker_history)
    def shared_states_for_tracker_history(
        self: Domain,
        tracker: DialogueStateTracker,
        omit_unset_slots: bool = False,
        ignore_rule_only_turns: bool = False,
        rule_only_data: Optional[Dict[str, Any]] = None,
    ) -> List[State]:
        histories = _histories.get()
        if histories is None:
            return states_for_tracker_history(self, tracker, omit_unset_slots, ignore_rule_only_turns, rule_only_data)
        last = tracker.events[-1] if tracker.events else None
        arguments = (omit_unset_slots, ignore_rule_only_turns)
        for seen in histories:
            if (
                seen.domain is self
                and seen.tracker is tracker
                and seen.length == len(tracker.events)
                and seen.last is last
                and seen.arguments == arguments
                and seen.rule_only_data == rule_only_data
            ):
                return _own_states(seen.states)
        states = states_for_tracker_history(self, tracker, omit_unset_slots, ignore_rule_only_turns, rule_only_data)
        histories.append(
            _History(self, tracker, len(tracker.events), last, arguments, copy.deepcopy(rule_only_data), states)
        )
        return _own_states(states)

    MessageProcessor._predict_next_with_tracker = predict_sharing_histories
    Domain.states_for_tracker_history = shared_states_for_tracker_history
