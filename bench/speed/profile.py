"""Where the time of one turn goes: the bot's model in this process, turns of the scripted conversations.

See METHOD; the report quotes it.
"""

from __future__ import annotations

import asyncio
import cProfile
import functools
import gc
import importlib
import inspect
import os
import pstats
import time
from collections import defaultdict
from pathlib import Path
from statistics import median
from typing import Callable, Dict, Iterable, Iterator, List, Tuple

from .conversations import Turn, faq_turns, reply_text, script
from .servers import BOT_RATE_LIMIT_PER_MINUTE, BOT_TODAY, actions_endpoint

METHOD = (
    "The entry points of each bucket (a component's `process`, a policy's `predict_action_probabilities`, "
    "the tracker store's `retrieve`/`save`, the HTTP request of the action endpoint, and the rest of "
    "`RemoteAction.run` as 'action handling') are wrapped with a timer "
    "that keeps a stack of open buckets. Wall time is charged to the innermost open bucket, whatever runs "
    "inside it, and to 'other' when none is open (Rasa's graph runner, message handling, the tracker's own "
    "bookkeeping). A nested entry pauses the outer bucket, so nothing is counted twice and the buckets add up "
    "to the turn's wall time. Wall time rather than CPU time: the action call is a wait on another process, "
    "which cProfile alone would charge to the event loop's epoll, not to the call that waits. The turns run "
    "twice, once plain (the table's ms per turn) and once under cProfile (for the functions with the most own "
    "time, and the bucket times with the profiler's overhead on them). The bot's tokenizer caches its analysis "
    "per text; the cache is emptied before each turn, as a real customer's new text would miss it. "
    "One 50-turn FAQ conversation is timed the same way, to compare its first and last 10 turns. "
    "The bot's server hooks (bot.runtime.guards, bot.log_privacy, bot.runtime.rasa_speedups) are installed as "
    "bot/runtime/rasa_server.py installs them, "
    "and logging is configured as `rasa run` configures it."
)
OTHER = "other"
# bucket -> (module, class, methods): the entry points wrapped with the timer.
BUCKETS = {
    "tokenizer": [("rasa.nlu.tokenizers.tokenizer", "Tokenizer", ["process"])],
    "featurizers": [
        ("rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer", "CountVectorsFeaturizer", ["process"]),
        (
            "rasa.nlu.featurizers.sparse_featurizer.lexical_syntactic_featurizer",
            "LexicalSyntacticFeaturizer",
            ["process"],
        ),
    ],
    "entity extractor": [("bot.nlp.rasa_components", "JapaneseEntityExtractor", ["process"])],
    "DIET": [("rasa.nlu.classifiers.diet_classifier", "DIETClassifier", ["process"])],
    "ResponseSelector": [("rasa.nlu.selectors.response_selector", "ResponseSelector", ["process"])],
    "policies": [
        ("rasa.core.policies.rule_policy", "RulePolicy", ["predict_action_probabilities"]),
        ("rasa.core.policies.memoization", "MemoizationPolicy", ["predict_action_probabilities"]),
        ("rasa.core.policies.ensemble", "PolicyPredictionEnsemble", ["combine_predictions_from_kwargs"]),
    ],
    "action call": [("rasa.utils.endpoints", "EndpointConfig", ["request"])],
    # The rest of a custom action in Rasa: the tracker serialized into the request, the
    # response checked against its JSON schema and turned into events.
    "action handling": [("rasa.core.actions.action", "RemoteAction", ["run"])],
    "tracker store": [("rasa.core.tracker_store", "SQLTrackerStore", ["retrieve", "retrieve_full_tracker", "save"])],
}
TOP_FUNCTIONS = 15
WATCHED = {
    "tracker serialized for the action server (DialogueStateTracker.current_state)": (
        "rasa/shared/core/trackers.py",
        "current_state",
    ),
    "domain serialized for the action server (Domain.as_dict)": ("rasa/shared/core/domain.py", "as_dict"),
    "action server's answer checked against its JSON schema (RemoteAction._validate_action_result)": (
        "rasa/core/actions/action.py",
        "_validate_action_result",
    ),
}
# One long FAQ conversation too: its first and last WINDOW turns show what grows with its length.
LONG_CONVERSATION, WINDOW = 50, 10


class BucketClock:
    """Charges wall time to the innermost open bucket, and counts the entries of each bucket."""

    def __init__(self) -> None:
        self.seconds: Dict[str, float] = defaultdict(float)
        self.calls: Dict[str, int] = defaultdict(int)
        self._stack = [OTHER]
        self._mark = time.perf_counter()

    def begin_turn(self) -> None:
        self.seconds.clear()
        self.calls.clear()
        self._stack = [OTHER]
        self._mark = time.perf_counter()

    def end_turn(self) -> Dict:
        self._charge()
        return {"ms": {b: v * 1000 for b, v in self.seconds.items()}, "calls": dict(self.calls)}

    def enter(self, bucket: str) -> None:
        self._charge()
        self._stack.append(bucket)
        self.calls[bucket] += 1

    def leave(self) -> None:
        self._charge()
        self._stack.pop()

    def _charge(self) -> None:
        now = time.perf_counter()
        self.seconds[self._stack[-1]] += now - self._mark
        self._mark = now


def _timed(function: Callable, bucket: str, clock: BucketClock) -> Callable:
    if inspect.iscoroutinefunction(function):

        @functools.wraps(function)
        async def timed_coroutine(*args, **kwargs):
            clock.enter(bucket)
            try:
                return await function(*args, **kwargs)
            finally:
                clock.leave()

        return timed_coroutine

    @functools.wraps(function)
    def timed(*args, **kwargs):
        clock.enter(bucket)
        try:
            return function(*args, **kwargs)
        finally:
            clock.leave()

    return timed


def _by_action(request: Callable, durations: Dict[str, List[float]]) -> Callable:
    """The action server's round trip per custom action: one slow action hides in a mean."""

    @functools.wraps(request)
    async def timed_request(*args, **kwargs):
        start = time.perf_counter()
        try:
            return await request(*args, **kwargs)
        finally:
            name = (kwargs.get("json") or {}).get("next_action", "?")
            durations.setdefault(name, []).append((time.perf_counter() - start) * 1000)

    return timed_request


class GcPauses:
    """Garbage-collector pauses by generation: a full collection of a heap this size is long."""

    def __init__(self) -> None:
        self.pauses: Dict[int, List[float]] = defaultdict(list)
        self._start = 0.0

    def __call__(self, phase: str, info: Dict) -> None:
        if phase == "start":
            self._start = time.perf_counter()
        else:
            self.pauses[info["generation"]].append((time.perf_counter() - self._start) * 1000)

    def summary(self, turns: int) -> Dict[str, Dict]:
        return {
            f"generation {generation}": {
                "collections_per_turn": round(len(values) / turns, 2),
                "longest_ms": round(max(values), 1),
                "ms_per_turn": round(sum(values) / turns, 2),
            }
            for generation, values in sorted(self.pauses.items())
        }


def install_timers(clock: BucketClock, action_durations: Dict[str, List[float]]) -> None:
    for bucket, entries in BUCKETS.items():
        for module, cls_name, methods in entries:
            cls = getattr(importlib.import_module(module), cls_name)
            for method in methods:
                setattr(cls, method, _timed(cls.__dict__[method], bucket, clock))
    from rasa.utils.endpoints import EndpointConfig

    EndpointConfig.request = _by_action(EndpointConfig.request, action_durations)


async def _run(agent, clock: BucketClock, turns: Iterable[Tuple[str, Turn]]) -> List[Dict]:
    """Each turn's buckets, and the reply if it lacks the expected piece of the answer."""
    from bot.nlp import pipeline

    clear_cache = getattr(pipeline.analyse, "cache_clear", lambda: None)
    results = []
    for sender, turn in turns:
        clear_cache()
        clock.begin_turn()
        replies = await agent.handle_text(turn.text, sender_id=sender)
        result = clock.end_turn()
        text = reply_text(replies or [])
        result["mismatch"] = None if not turn.expect or turn.expect in text else f"{turn.text} → {text[:120]}"
        results.append(result)
    return results


def _scripted(count: int, tag: str) -> Iterator[Tuple[str, Turn]]:
    """The first `count` turns of conversations 0, 1, 2, ..., each conversation a fresh sender."""
    number = 0
    while count > 0:
        turns = script(number)[:count]
        yield from ((f"profile-{tag}-{number}", turn) for turn in turns)
        count -= len(turns)
        number += 1


def _long_faq(tag: str) -> Iterator[Tuple[str, Turn]]:
    return ((f"profile-{tag}", turn) for turn in faq_turns(LONG_CONVERSATION))


def _mean(turns: List[Dict], key: str) -> Dict[str, float]:
    return {bucket: round(sum(t[key].get(bucket, 0) for t in turns) / len(turns), 2) for bucket in [*BUCKETS, OTHER]}


def _top_functions(profiler: cProfile.Profile, turns: int) -> List[Dict]:
    stats = pstats.Stats(profiler)
    rows = sorted(stats.stats.items(), key=lambda item: item[1][2], reverse=True)[:TOP_FUNCTIONS]
    return [
        {
            "function": f"{_short(path)}:{line}({name})",
            "calls_per_turn": round(calls / turns, 1),
            "tottime_ms_per_turn": round(tottime * 1000 / turns, 2),
            "cumtime_ms_per_turn": round(cumtime * 1000 / turns, 2),
        }
        for (path, line, name), (_, calls, tottime, cumtime, _) in rows
    ]


def _watched(profiler: cProfile.Profile, turns: int) -> Dict[str, float]:
    """Cumulative time per turn, under cProfile, of the parts of a custom action's handling in Rasa."""
    found = {}
    for (path, _, name), (_, _, _, cumtime, _) in pstats.Stats(profiler).stats.items():
        for label, (suffix, function) in WATCHED.items():
            if path.endswith(suffix) and name == function:
                found[label] = round(found.get(label, 0.0) + cumtime * 1000 / turns, 2)
    return found


def _full_collection() -> Dict[str, float]:
    """How long one full collection of this heap (the loaded model and all) takes."""
    start = time.perf_counter()
    gc.collect()
    return {"ms": round((time.perf_counter() - start) * 1000, 1), "tracked_objects": len(gc.get_objects())}


def _short(path: str) -> str:
    for marker in ("site-packages/", "/work/main/"):
        if marker in path:
            return path.split(marker, 1)[1]
    return path


def profile_turns(model: Path, actions_webhook: str, workdir: Path, turns: int) -> Dict:
    """Load the bot's model here, against the running action server, and profile `turns` turns."""
    os.environ.setdefault("BOT_TODAY", BOT_TODAY)
    os.environ.setdefault("BOT_RATE_LIMIT_PER_MINUTE", BOT_RATE_LIMIT_PER_MINUTE)
    from rasa.core.agent import Agent
    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.utils.common import configure_logging_and_warnings
    from rasa.utils.log_utils import configure_structlog

    # As `rasa run` does (LOG_LEVEL or INFO): the per-turn debug lines would otherwise be written and timed.
    configure_logging_and_warnings(None)
    configure_structlog(None)
    _install_server_hooks()
    clock, action_durations = BucketClock(), {}
    install_timers(clock, action_durations)
    agent = Agent.load(
        str(model),
        action_endpoint=actions_endpoint(actions_webhook),
        tracker_store=SQLTrackerStore(host=f"sqlite:///{workdir / 'profile-tracker.db'}"),
    )
    return asyncio.run(_profile_passes(agent, clock, action_durations, turns))


def _install_server_hooks() -> None:
    """What bot/runtime/rasa_server.py installs in the Rasa process: the profiled turn is the served turn."""
    from bot.runtime.rasa_server import install_hooks

    install_hooks()


async def _profile_passes(agent, clock: BucketClock, action_durations: Dict[str, List[float]], turns: int) -> Dict:
    # Both scripts once first: the first turns of each kind pay for lazy loading.
    await _run(agent, clock, _scripted(20, "warmup"))
    action_durations.clear()
    gc_pauses = GcPauses()
    gc.callbacks.append(gc_pauses)
    try:
        plain = await _run(agent, clock, _scripted(turns, "plain"))
        action_call_ms = {name: round(median(values), 1) for name, values in sorted(action_durations.items())}
        long_faq = await _run(agent, clock, _long_faq("long"))
    finally:
        gc.callbacks.remove(gc_pauses)
    profiler = cProfile.Profile()
    profiler.enable()
    profiled = await _run(agent, clock, _scripted(turns, "cprofile"))
    profiler.disable()
    return {
        "turns": turns,
        "ms_per_turn": _mean(plain, "ms"),
        "calls_per_turn": _mean(plain, "calls"),
        "action_call_median_ms_by_action": action_call_ms,
        "gc_pauses": gc_pauses.summary(turns + LONG_CONVERSATION),
        "ms_per_turn_under_cprofile": _mean(profiled, "ms"),
        "long_faq_first_turns_ms": _mean(long_faq[:WINDOW], "ms"),
        "long_faq_last_turns_ms": _mean(long_faq[-WINDOW:], "ms"),
        "long_faq_window": [LONG_CONVERSATION, WINDOW],
        "top_functions_by_tottime": _top_functions(profiler, turns),
        "action_handling_parts_ms_under_cprofile": _watched(profiler, turns),
        "full_gc": _full_collection(),
        "reply_mismatches": [t["mismatch"] for t in plain + long_faq + profiled if t["mismatch"]],
        "method": METHOD,
    }
