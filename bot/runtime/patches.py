"""Every wrap of Rasa's internals the Rasa server runs with, in one table, and their installation.

Rasa 3.6 offers no hook for any of these: each entry replaces a function or method of Rasa's own
(what it wraps names them) with one that calls it, or for the state histories with one that runs
its loop a step at a time. They were written and tested against one
version of Rasa, RASA_VERSION, the one requirements.lock pins; on any other, `install` refuses
rather than wrap code nobody has read for them. Installing is idempotent: an entry already in
place is skipped, so installing twice changes what once did and no more.

The order is the table's: a later entry on the same target wraps the earlier ones, so the guards
see one message however many questions it asks, and the metrics count what the guards refuse.
tests/unit/runtime/test_patches.py holds, for each entry, a check of the Rasa behaviour it changes,
which fails on Rasa as shipped and passes with the entry installed.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Any, Callable, Collection, Optional, Tuple

import rasa
from rasa.core import run as rasa_run
from rasa.core import tracker_store
from rasa.core.actions.action import RemoteAction
from rasa.core.agent import Agent
from rasa.core.processor import MessageProcessor
from rasa.core.tracker_store import FailSafeTrackerStore, SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import Event
from rasa.shared.core.trackers import DialogueStateTracker

from bot import settings
from bot.runtime import (
    chosen_answers,
    guards,
    rasa_metrics,
    rasa_speedups,
    several_questions,
    state_histories,
    tracker_cache,
    typed_ratings,
)
from bot.runtime.shared_state import SharedState, hand_to_channels

RASA_VERSION = "3.6.21"
# Set on each installed replacement: the entries it holds, its own and those it wraps
# (functools.wraps copies the inner function's attributes to the outer one).
_MARK = "__bot_wraps__"

Target = Tuple[Any, str]


class UnsupportedRasa(RuntimeError):
    pass


@dataclass(frozen=True)
class Wrap:
    name: str
    targets: Tuple[Target, ...]
    install: Callable[[], None]

    def wraps(self) -> Tuple[str, ...]:
        """The dotted names of what this entry replaces."""
        return tuple(_dotted(target) for target in self.targets)

    def installed(self) -> bool:
        return all(self.name in getattr(getattr(owner, attribute), _MARK, ()) for owner, attribute in self.targets)


def _dotted(target: Target) -> str:
    owner, attribute = target
    return (
        f"{owner.__module__}.{owner.__qualname__}.{attribute}"
        if isinstance(owner, type)
        else f"{owner.__name__}.{attribute}"
    )


AGENT_HANDLES_MESSAGE: Target = (Agent, "handle_message")


def table(shared: SharedState) -> Tuple[Wrap, ...]:
    """Every wrap, in the order installed."""
    limits = settings.current(settings.GuardSettings)
    return (
        Wrap(
            "hand_shared_state_to_channels", ((rasa_run, "_create_single_channel"),), partial(hand_to_channels, shared)
        ),
        # Before the guards, which then wrap them: a message is cleaned and counted once, however
        # many questions it asks.
        Wrap("several_questions", (AGENT_HANDLES_MESSAGE,), several_questions.install),
        Wrap("chosen_answers", (AGENT_HANDLES_MESSAGE,), chosen_answers.install),
        Wrap("typed_ratings", (AGENT_HANDLES_MESSAGE,), typed_ratings.install),
        Wrap(
            "guard_messages",
            (AGENT_HANDLES_MESSAGE,),
            lambda: guards.guard_messages(
                shared.rate_limiter(limits.messages_per_minute), limits.max_message_chars, limits.concurrent_messages
            ),
        ),
        Wrap(
            "budget_turns", ((MessageProcessor, "handle_message"),), partial(guards.budget_turns, limits.action_timeout)
        ),
        Wrap("guard_actions", ((RemoteAction, "run"),), partial(guards.guard_actions, limits.action_timeout)),
        Wrap("check_pooled_connections", ((tracker_store, "create_engine_kwargs"),), guards.check_pooled_connections),
        Wrap(
            "fail_loudly_on_store_errors",
            tuple((FailSafeTrackerStore, name) for name in ("retrieve", "retrieve_full_tracker", "save")),
            guards.fail_loudly_on_store_errors,
        ),
        # After the guards, around them: refused messages count too.
        Wrap("count_understanding", ((MessageProcessor, "parse_message"),), rasa_metrics.count_understanding),
        Wrap("count_messages", (AGENT_HANDLES_MESSAGE,), rasa_metrics.count_messages),
        Wrap("serve_metrics_page", ((rasa_run, "configure_app"),), rasa_metrics.serve_metrics_page),
        Wrap(
            "validate_action_results_with_one_validator",
            ((RemoteAction, "_validate_action_result"),),
            rasa_speedups.validate_action_results_with_one_validator,
        ),
        Wrap("resolve_event_types_once", ((Event, "resolve_by_type"),), rasa_speedups.resolve_event_types_once),
        Wrap("freeze_the_loaded_model", ((rasa_run, "load_agent_on_start"),), rasa_speedups.freeze_the_loaded_model),
        Wrap(
            "read_only_what_is_new",
            ((SQLTrackerStore, "retrieve"), (SQLTrackerStore, "save")),
            tracker_cache.read_only_what_is_new,
        ),
        Wrap(
            "applied_events_grow_with_the_tracker",
            ((DialogueStateTracker, "applied_events"),),
            state_histories.applied_events_grow_with_the_tracker,
        ),
        Wrap(
            "replay_only_new_events",
            ((Domain, "states_for_tracker_history"),),
            state_histories.replay_only_new_events,
        ),
    )


def check_rasa_version() -> None:
    if rasa.__version__ != RASA_VERSION:
        raise UnsupportedRasa(
            f"the bot's wraps of Rasa's internals (bot/runtime/patches.py) were written for Rasa {RASA_VERSION}, "
            f"and this is Rasa {rasa.__version__}. Read each wrap against this version's code, then change "
            "RASA_VERSION there."
        )


def install(shared: SharedState, names: Optional[Collection[str]] = None) -> None:
    """Install the table's entries (those named, or all) that are not in place yet, in order."""
    check_rasa_version()
    for wrap in table(shared):
        if (names is not None and wrap.name not in names) or wrap.installed():
            continue
        before = [getattr(owner, attribute) for owner, attribute in wrap.targets]
        wrap.install()
        for (owner, attribute), replaced in zip(wrap.targets, before):
            current = getattr(owner, attribute)
            if current is replaced:
                raise RuntimeError(f"{wrap.name} left {_dotted((owner, attribute))} as it was")
            setattr(current, _MARK, frozenset(getattr(current, _MARK, ())) | {wrap.name})
