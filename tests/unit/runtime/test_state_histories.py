"""The policies' state histories built from the new events only (bot/runtime/state_histories.py)
are the histories Rasa's own replay builds, turn after turn, whatever the conversation did."""

import copy
from contextlib import contextmanager
from typing import Any, Callable, Dict, Iterator, List, Optional

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    ActionReverted,
    ActiveLoop,
    EntitiesAdded,
    Event,
    FollowupAction,
    Restarted,
    SessionStarted,
    SlotSet,
    UserUtteranceReverted,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

from bot.runtime import state_histories

DOMAIN = Domain.from_dict(
    {
        "intents": ["greet", "inform", "ask_status"],
        "entities": ["serial"],
        "slots": {
            "task": {"type": "categorical", "values": ["renew", "status"], "mappings": [{"type": "custom"}]},
            "checked": {"type": "bool", "mappings": [{"type": "custom"}]},
            "serial": {"type": "text", "mappings": [{"type": "from_entity", "entity": "serial"}]},
        },
        "forms": {"renewal_form": {"required_slots": ["serial"]}},
        "responses": {"utter_greet": [{"text": "はい"}], "utter_ask_serial": [{"text": "シリアルは?"}]},
        "actions": ["action_check"],
    }
)
STOCK = Domain.states_for_tracker_history
RULE_ONLY = [None, {"rule_only_slots": ["checked"], "rule_only_loops": ["renewal_form"]}]
ARGUMENTS = [(omit, ignore, rule_only) for omit in (False, True) for ignore in (False, True) for rule_only in RULE_ONLY]


STOCK_APPLIED = DialogueStateTracker.applied_events


@contextmanager
def growing_applied_events() -> Iterator[Callable[[DialogueStateTracker], List[Event]]]:
    """The wrap installed for the block (hypothesis's examples cannot share a fixture's); Rasa's own
    `applied_events` handed to it, to compare with."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(DialogueStateTracker, "applied_events", STOCK_APPLIED)
        state_histories.applied_events_grow_with_the_tracker()
        yield STOCK_APPLIED


@pytest.fixture(autouse=True)
def rasa_as_shipped(monkeypatch):
    monkeypatch.setattr(Domain, "states_for_tracker_history", STOCK)


def replays(max_states: int = state_histories.MAX_STATES) -> state_histories.Replays:
    kept = state_histories.Replays(max_states)
    state_histories.replay_only_new_events(kept)
    return kept


def stock(tracker: DialogueStateTracker, omit=False, ignore=False, rule_only=None) -> List[Dict[str, Any]]:
    return STOCK(DOMAIN, tracker, omit, ignore, rule_only)


def tracker(events: List[Event], sender: str = "c-1") -> DialogueStateTracker:
    return DialogueStateTracker.from_events(sender, events, DOMAIN.slots)


EVENTS = st.one_of(
    st.builds(
        lambda name, hidden: ActionExecuted(name, hide_rule_turn=hidden),
        st.sampled_from(["action_listen", "utter_greet", "renewal_form", "action_check", "utter_ask_serial"]),
        st.booleans(),
    ),
    st.builds(
        lambda intent, serial: UserUttered(
            "テキスト",
            {"name": intent, "confidence": 1.0},
            [{"entity": "serial", "value": serial}] if serial else [],
        ),
        st.sampled_from(["greet", "inform", "ask_status"]),
        st.sampled_from([None, "ABCD-1234"]),
    ),
    st.builds(SlotSet, st.just("task"), st.sampled_from(["renew", "status", None])),
    st.builds(SlotSet, st.just("checked"), st.booleans()),
    st.builds(SlotSet, st.just("serial"), st.sampled_from(["ABCD-1234", None])),
    st.builds(ActiveLoop, st.sampled_from(["renewal_form", None])),
    st.builds(FollowupAction, st.just("action_check")),
    st.builds(lambda: EntitiesAdded([{"entity": "serial", "value": "EFGH-5678"}])),
    st.builds(UserUtteranceReverted),
    st.builds(ActionReverted),
    st.builds(Restarted),
    st.builds(SessionStarted),
)


@settings(database=None, deadline=None, max_examples=150)
@given(st.lists(EVENTS, max_size=40), st.lists(st.integers(0, len(ARGUMENTS) - 1), min_size=1, max_size=4))
def test_each_turn_gets_rasas_own_history(events, asked):
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Domain, "states_for_tracker_history", STOCK)
        replays()
        # The conversation as each new event finds it, the histories asked in the order a
        # prediction asks them, each compared with Rasa's replay of the same tracker.
        for length in range(len(events) + 1):
            now = tracker(events[:length])
            for index in asked:
                omit, ignore, rule_only = ARGUMENTS[index]
                assert now.past_states(DOMAIN, omit, ignore, rule_only) == stock(now, omit, ignore, rule_only)


@settings(database=None, deadline=None, max_examples=150)
@given(st.lists(EVENTS, max_size=40), st.lists(st.integers(0, 40), max_size=8))
def test_a_growing_tracker_applies_the_events_rasa_applies(events, asked_at):
    with growing_applied_events() as stock_applied:
        growing = tracker([])
        for length, event in enumerate(events, start=1):
            growing.update(event)
            if length in asked_at or length == len(events):
                assert growing.applied_events() == stock_applied(growing)
        # A copy has its own deque of events: what it gains is not the original's.
        copied = copy.copy(growing)
        copied.events = type(growing.events)(growing.events)
        copied.update(ActiveLoop("renewal_form"))
        copied.update(ActionExecuted("renewal_form"))
        assert copied.applied_events() == stock_applied(copied)
        assert growing.applied_events() == stock_applied(growing)


def test_applied_events_follow_every_change_of_the_events():
    with growing_applied_events() as stock_applied:
        listen = ActionExecuted("action_listen")
        now = tracker([listen, UserUttered("はい"), ActionExecuted("renewal_form"), ActionExecuted("renewal_form")])
        now.applied_events().clear()  # the caller's list is its own
        assert now.applied_events() == stock_applied(now)
        # A form's name first seen now: its earlier second run counts as a run of its loop.
        now.update(ActiveLoop("renewal_form"))
        assert now.applied_events() == stock_applied(now)
        # The last event replaced in place, then all the events replaced, the last one kept.
        now.events.pop()
        now.events.append(Restarted())
        assert now.applied_events() == stock_applied(now)
        now.update(UserUttered("更新", {"name": "inform"}))
        assert now.applied_events() == stock_applied(now)
        last = now.events[-1]
        now.events = type(now.events)([listen, UserUttered("いいえ"), ActionExecuted("utter_greet"), listen, last])
        assert now.applied_events() == stock_applied(now)
        now.events = type(now.events)([listen, ActionExecuted("utter_greet"), Restarted(), listen, last, listen])
        assert now.applied_events() == stock_applied(now)


def test_a_tracker_that_forgets_its_oldest_events_gets_rasas_own_answer():
    with growing_applied_events() as stock_applied:
        short = DialogueStateTracker("c-1", DOMAIN.slots, max_event_history=3)
        for event in [ActionExecuted("action_listen"), UserUttered("はい", {"name": "greet"})] * 3:
            short.update(event)
            assert short.applied_events() == stock_applied(short)


def test_another_conversation_under_the_same_id_is_replayed_from_its_start():
    replays()
    first = tracker([ActionExecuted("action_listen"), UserUttered("はい", {"name": "greet"}), SlotSet("task", "renew")])
    first.past_states(DOMAIN)
    # Purged and started again: as many events, of the same types, at other times.
    second = tracker(
        [ActionExecuted("action_listen"), UserUttered("状況", {"name": "ask_status"}), SlotSet("task", "status")]
    )
    assert second.past_states(DOMAIN) == stock(second) != stock(first)


def test_another_domain_or_other_rule_only_data_gets_its_own_history():
    replays()
    serial = [{"entity": "serial", "value": "ABCD-1234"}]
    events = [ActionExecuted("action_listen"), UserUttered("はい", {"name": "greet"}, serial), SlotSet("checked", True)]
    events += [ActionExecuted("action_check"), ActionExecuted("action_listen")]
    now = tracker(events)
    rule_only: Optional[Dict[str, Any]] = {"rule_only_slots": ["checked"]}
    assert now.past_states(DOMAIN, False, True, rule_only) == stock(now, False, True, rule_only)
    rule_only["rule_only_slots"] = []  # the caller's dict changed after the call
    assert now.past_states(DOMAIN, False, True, rule_only) == stock(now, False, True, rule_only)
    # A model whose greeting ignores entities: the serial is not in its states.
    other = Domain.from_dict({"intents": [{"greet": {"use_entities": []}}], "entities": ["serial"]})
    assert now.past_states(DOMAIN) == stock(now)
    assert now.past_states(other) == STOCK(other, now) != stock(now)


def test_a_callers_changes_to_its_history_are_its_own():
    replays()
    now = tracker(
        [ActionExecuted("action_listen"), UserUttered("はい", {"name": "greet"}), ActionExecuted("utter_greet")]
    )
    first = now.past_states(DOMAIN)
    for state in first:
        for sub_state in state.values():
            sub_state.clear()
        state.clear()
    assert now.past_states(DOMAIN) == stock(now) != first


def test_the_states_kept_stay_under_the_limit_and_the_oldest_conversation_goes_first():
    kept = replays(max_states=10)
    events = [ActionExecuted("action_listen"), UserUttered("はい", {"name": "greet"}), ActionExecuted("utter_greet")]
    for sender in ("c-1", "c-2", "c-3", "c-4"):
        tracker(events * 2, sender).past_states(DOMAIN)  # 4 states kept for each
    assert sum(len(replay.states) for replay in kept._replays.values()) <= 10
    assert [key[0] for key in kept._replays] == ["c-3", "c-4"]
    assert tracker(events * 2, "c-1").past_states(DOMAIN) == stock(tracker(events * 2, "c-1"))
