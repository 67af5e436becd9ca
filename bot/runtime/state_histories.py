"""The policies' state histories replaying only the events a conversation gained since the last
time (bot/runtime/patches.py installs it).

As shipped, `Domain.states_for_tracker_history` replays every event of the session on a new copy
of the tracker each time a policy asks for the history, three or four times a turn: at the 200th
turn of a conversation the histories were 59 % of a turn's time, and the 50th turn cost 1.43 times
the 5th with the tracker store already reading only new rows.

Here each conversation keeps, per set of arguments, Rasa's replay where it stopped: the copy of
the tracker with the events replayed so far, the state computed before each `action_executed` of
them, and the two flags Rasa's loop carries from one step to the next. A request whose applied
events begin with the replayed ones (same types and timestamps, in order: what the tracker cache
also takes for the same stored event) replays only the rest; anything else (a conversation purged
or rewound, another model's domain, other rule-only data) is replayed from the start, as Rasa
would, and replaces what was kept. The state of the tracker as it is now, after its last event,
is computed on every request and never kept: it is the one an event still to come can change.

Each caller gets its own copy of the states (the featurizers delete keys from them). At most
MAX_STATES states are kept in the process, least recently used conversations forgotten first.

Which events are applied (those not undone by a rewind, a restart or a form's own loop) Rasa
works out from the first event on every call too, five to seven times a turn, each an
`isinstance` of an abstract class per event: at the 200th turn the largest part left of a
turn's growth. A tracker keeps the answer for its events as they were, and when it has gained
events since, applies only those; a new form's name among them (which changes how earlier runs
of that action count) or a tracker whose oldest events fall out (`max_event_history`) gets
Rasa's own answer.
"""

from __future__ import annotations

import copy
import functools
import itertools
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any, Dict, Iterable, List, Optional, Set, Tuple

from rasa.shared.core.constants import PREVIOUS_ACTION
from rasa.shared.core.domain import Domain, State, SubState
from rasa.shared.core.events import (
    ActionExecuted,
    ActionReverted,
    ActiveLoop,
    Event,
    Restarted,
    SessionStarted,
    UserUtteranceReverted,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

# A state took about 1 KB (four small dicts): 20,000 of them hold 32 conversations of 200 turns in
# the two or three histories the policies ask for, some 20 MB.
MAX_STATES = 20_000


def _same_event(kept: Event, now: Event) -> bool:
    return kept is now or (type(kept) is type(now) and kept.timestamp == now.timestamp)


@dataclass
class _Replay:
    domain: Domain
    rule_only_data: Optional[Dict[str, Any]]
    tracker: DialogueStateTracker  # Rasa's replay copy, `events` applied
    events: List[Event] = field(default_factory=list)
    states: List[State] = field(default_factory=list)  # one per action_executed replayed, unless hidden
    last_ml_action: Optional[SubState] = None
    turn_was_hidden: bool = False


def _own_states(states: List[State]) -> List[State]:
    # A state maps to sub-states of strings and tuples: two levels are what callers change.
    return [
        {key: dict(value) if isinstance(value, dict) else value for key, value in state.items()} for state in states
    ]


def _step(
    domain: Domain,
    replay: DialogueStateTracker,
    hide_rule_turn: bool,
    states: List[State],
    last_ml_action: Optional[SubState],
    turn_was_hidden: bool,
    omit_unset_slots: bool,
    ignore_rule_only_turns: bool,
    rule_only_data: Optional[Dict[str, Any]],
) -> Tuple[Optional[SubState], bool]:
    """One pass of the loop of Rasa 3.6.21's `Domain.states_for_tracker_history`, which cannot be
    entered half-way: its flags in and out, the state appended to `states` unless hidden."""
    if ignore_rule_only_turns:
        if not turn_was_hidden:
            last_ml_action = domain._get_prev_action_sub_state(replay)
        if not replay.followup_action and not replay.latest_action_name == replay.active_loop_name:
            turn_was_hidden = hide_rule_turn
        if turn_was_hidden:
            return last_ml_action, turn_was_hidden
    state = domain.get_active_state(replay, omit_unset_slots=omit_unset_slots)
    if ignore_rule_only_turns:
        domain._remove_rule_only_features(state, rule_only_data)
        if states:
            domain._substitute_rule_only_user_input(state, states[-1])
        if last_ml_action:
            state[PREVIOUS_ACTION] = last_ml_action
    states.append(domain._clean_state(state))
    return last_ml_action, turn_was_hidden


class Replays:
    def __init__(self, max_states: int = MAX_STATES) -> None:
        self.max_states = max_states
        self._replays: "OrderedDict[Tuple[str, bool, bool], _Replay]" = OrderedDict()
        self._states = 0

    def states(
        self,
        domain: Domain,
        tracker: DialogueStateTracker,
        omit_unset_slots: bool,
        ignore_rule_only_turns: bool,
        rule_only_data: Optional[Dict[str, Any]],
    ) -> List[State]:
        applied = tracker.applied_events()
        key = (tracker.sender_id, omit_unset_slots, ignore_rule_only_turns)
        replay = self._replays.pop(key, None)
        if replay is not None:
            self._states -= len(replay.states)
            if not (
                replay.domain is domain
                and replay.rule_only_data == rule_only_data
                and len(replay.events) <= len(applied)
                and all(map(_same_event, replay.events, applied))
            ):
                replay = None
        if replay is None:
            replay = _Replay(domain, copy.deepcopy(rule_only_data), tracker.init_copy())
        flags = (omit_unset_slots, ignore_rule_only_turns, rule_only_data)
        for event in applied[len(replay.events) :]:
            if isinstance(event, ActionExecuted):
                replay.last_ml_action, replay.turn_was_hidden = _step(
                    domain,
                    replay.tracker,
                    event.hide_rule_turn,
                    replay.states,
                    replay.last_ml_action,
                    replay.turn_was_hidden,
                    *flags,
                )
            replay.tracker.update(event)
        replay.events = applied
        states = list(replay.states)
        _step(domain, replay.tracker, False, states, replay.last_ml_action, replay.turn_was_hidden, *flags)
        self._keep(key, replay)
        return _own_states(states)

    def _keep(self, key: Tuple[str, bool, bool], replay: _Replay) -> None:
        self._replays[key] = replay
        self._states += len(replay.states)
        while self._states > self.max_states and len(self._replays) > 1:
            _, forgotten = self._replays.popitem(last=False)
            self._states -= len(forgotten.states)


@dataclass
class _Applied:
    events: Any  # the tracker's own deque of events, as it was when this was computed
    length: int
    last: Optional[Event]
    loop_names: Set[str]
    applied: List[Event]


# Where a tracker keeps its applied events: an attribute, so a copy of the tracker made with
# copy.copy carries it, and finds its own deque of events is another one.
_APPLIED = "_bot_applied_events"


def _loop_names(events: Iterable[Event]) -> Set[str]:
    return {event.name for event in events if isinstance(event, ActiveLoop) and event.name}


def _apply(tracker: DialogueStateTracker, event: Event, loop_names: Set[str], applied: List[Event]) -> None:
    """One pass of the loop of Rasa 3.6.21's `DialogueStateTracker.applied_events`."""
    if isinstance(event, (Restarted, SessionStarted)):
        applied.clear()
    elif isinstance(event, ActionReverted):
        tracker._undo_till_previous(ActionExecuted, applied)
    elif isinstance(event, UserUtteranceReverted):
        tracker._undo_till_previous(UserUttered, applied)
        tracker._undo_till_previous(ActionExecuted, applied)
    elif (
        isinstance(event, ActionExecuted)
        and event.action_name in loop_names
        and not tracker._first_loop_execution_or_unhappy_path(event.action_name, applied)
    ):
        tracker._undo_till_previous_loop_execution(event.action_name, applied)
    else:
        applied.append(event)


def applied_events_grow_with_the_tracker() -> None:
    original = DialogueStateTracker.applied_events

    @functools.wraps(original)
    def applied_events(self: DialogueStateTracker) -> List[Event]:
        events = self.events
        if events.maxlen is not None:  # the oldest events fall out: not a prefix any more
            return original(self)
        kept: Optional[_Applied] = self.__dict__.get(_APPLIED)
        new = None
        if (
            kept is not None
            and kept.events is events
            and kept.length <= len(events)
            and (kept.length == 0 or events[kept.length - 1] is kept.last)
        ):
            new = list(itertools.islice(events, kept.length, None))
            if not _loop_names(new) <= kept.loop_names:
                new = None  # a new form makes earlier runs of it count as its loop: start again
        if kept is None or new is None:
            applied, loop_names = original(self), _loop_names(events)
        else:
            applied, loop_names = list(kept.applied), kept.loop_names
            for event in new:
                _apply(self, event, loop_names, applied)
        last = events[-1] if events else None
        self.__dict__[_APPLIED] = _Applied(events, len(events), last, loop_names, applied)
        return list(applied)

    DialogueStateTracker.applied_events = applied_events


def replay_only_new_events(replays: Optional[Replays] = None) -> None:
    kept = replays or Replays()
    original = Domain.states_for_tracker_history

    @functools.wraps(original)
    def states_for_tracker_history(
        self: Domain,
        tracker: DialogueStateTracker,
        omit_unset_slots: bool = False,
        ignore_rule_only_turns: bool = False,
        rule_only_data: Optional[Dict[str, Any]] = None,
    ) -> List[State]:
        return kept.states(self, tracker, omit_unset_slots, ignore_rule_only_turns, rule_only_data)

    Domain.states_for_tracker_history = states_for_tracker_history
