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
"""

from __future__ import annotations

import functools
import gc
from typing import Dict, Optional, Type

import jsonschema
from jsonschema import ValidationError
from rasa.core import run as rasa_run
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.events import Event


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
