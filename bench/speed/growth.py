"""How a turn's time grows with the conversation, with the tracker cache and the incremental state
histories (bot.runtime.patches: read_only_what_is_new, applied_events_grow_with_the_tracker,
replay_only_new_events) off and on, in one process.

`python -m bench.speed --growth-only`: the bot's model loaded here (`Agent.load`) against the
running bot's action server, on an SQLite tracker store, every other wrap of the table installed
as the Rasa server installs it and the loaded model frozen out of the garbage collector as the
server freezes it. The rounds alternate, wraps off then on, so that the load of a busy machine
falls on both alike: each round runs fresh senders through 50 FAQ turns and one sender through
200. Per turn of `Agent.handle_text`, its wall time and this process's CPU time (all its threads):
on a machine busy with other work the wall time waits for a core too, the CPU time much less. The
tokenizer's per-text cache is emptied before each turn, as in the profile.
"""

from __future__ import annotations

import asyncio
import gc
import os
import time
from pathlib import Path
from statistics import median
from typing import Dict, List

from .conversations import faq_turns, reply_text
from .servers import BOT_RATE_LIMIT_PER_MINUTE, BOT_TODAY, actions_endpoint

WRAPS = ("read_only_what_is_new", "applied_events_grow_with_the_tracker", "replay_only_new_events")
SHORT, EARLY, LATE = 50, 5, 50
LONG, WINDOW = 200, 10
ROUNDS = 3


async def _conversation(agent, sender: str, turns: int) -> Dict[str, List[float]]:
    from bot.nlp import pipeline

    clear_cache = getattr(pipeline.analyse, "cache_clear", lambda: None)
    times: Dict[str, List[float]] = {"wall": [], "cpu": []}
    wrong = []
    for turn in faq_turns(turns):
        clear_cache()
        start, cpu = time.perf_counter(), time.process_time()
        replies = await agent.handle_text(turn.text, sender_id=sender)
        times["wall"].append((time.perf_counter() - start) * 1000)
        times["cpu"].append((time.process_time() - cpu) * 1000)
        if turn.expect not in reply_text(replies or []):
            wrong.append(turn.text)
    if wrong:
        raise RuntimeError(f"{sender}: {len(wrong)} answers without the expected piece, e.g. {wrong[0]}")
    return times


class _Switch:
    """The two wraps in and out of place: what they replace is put back when off."""

    def __init__(self) -> None:
        from bot.runtime import patches
        from bot.runtime.shared_state import SharedState

        self._patches, self._shared = patches, SharedState(None)
        self._stock = {
            (owner, attribute): vars(owner)[attribute]
            for wrap in patches.table(self._shared)
            if wrap.name in WRAPS
            for owner, attribute in wrap.targets
        }

    def on(self) -> None:
        self._patches.install(self._shared, set(WRAPS))

    def off(self) -> None:
        for (owner, attribute), stock in self._stock.items():
            setattr(owner, attribute, stock)


def growth(model: Path, actions_webhook: str, workdir: Path, senders: int) -> Dict:
    os.environ.setdefault("BOT_TODAY", BOT_TODAY)
    os.environ.setdefault("BOT_RATE_LIMIT_PER_MINUTE", BOT_RATE_LIMIT_PER_MINUTE)
    from rasa.core.agent import Agent
    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.utils.common import configure_logging_and_warnings
    from rasa.utils.log_utils import configure_structlog

    from bot import log_privacy
    from bot.runtime import patches
    from bot.runtime.shared_state import SharedState

    configure_logging_and_warnings(None)
    configure_structlog(None)
    log_privacy.install()
    switch = _Switch()
    patches.install(SharedState(None), {wrap.name for wrap in patches.table(SharedState(None))} - set(WRAPS))
    agent = Agent.load(
        str(model),
        action_endpoint=actions_endpoint(actions_webhook),
        tracker_store=SQLTrackerStore(host=f"sqlite:///{workdir / 'growth-tracker.db'}"),
    )
    gc.collect()
    gc.freeze()
    return asyncio.run(_rounds(agent, switch, senders))


async def _rounds(agent, switch: _Switch, senders: int) -> Dict:
    switch.off()
    await _conversation(agent, "growth-warmup", 20)
    runs: Dict[str, Dict[str, List[Dict[str, List[float]]]]] = {
        "off": {"short": [], "long": []},
        "on": {"short": [], "long": []},
    }
    for number in range(ROUNDS):
        for state in ("off", "on"):
            switch.on() if state == "on" else switch.off()
            tag = f"growth-{state}-{number}-{int(time.time())}"
            for sender in range(senders):
                runs[state]["short"].append(await _conversation(agent, f"{tag}-{sender}", SHORT))
            runs[state]["long"].append(await _conversation(agent, f"{tag}-long", LONG))
    switch.off()
    return {f"{state} {clock}": _summary(run, clock) for state, run in runs.items() for clock in ("wall", "cpu")}


def _summary(run: Dict[str, List[Dict[str, List[float]]]], clock: str) -> Dict:
    early = median(times[clock][EARLY - 1] for times in run["short"])
    late = median(times[clock][LATE - 1] for times in run["short"])
    first = median(t for times in run["long"] for t in times[clock][:WINDOW])
    last = median(t for times in run["long"] for t in times[clock][-WINDOW:])
    return {
        "conversations_of_50": len(run["short"]),
        "conversations_of_200": len(run["long"]),
        f"turn_{EARLY}_ms": round(early, 1),
        f"turn_{LATE}_ms": round(late, 1),
        "ratio_50_5": round(late / early, 2),
        "first_10_of_200_ms": round(first, 1),
        "last_10_of_200_ms": round(last, 1),
        "ratio_last_first": round(last / first, 2),
    }


def markdown(result: Dict, command: str, load: List[float]) -> str:
    rows = [
        "| wraps | time | conversations of 50 / 200 | turn 5 ms | turn 50 ms | turn 50 ÷ turn 5 "
        "| turns 1–10 of 200 ms | turns 191–200 ms | last ÷ first |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for clock in ("wall", "cpu"):
        for state, label in (("off", "off (Rasa as before)"), ("on", "on")):
            s = result[f"{state} {clock}"]
            rows.append(
                f"| {label} | {clock} | {s['conversations_of_50']} / {s['conversations_of_200']} "
                f"| {s['turn_5_ms']} "
                f"| {s['turn_50_ms']} | {s['ratio_50_5']} | {s['first_10_of_200_ms']} "
                f"| {s['last_10_of_200_ms']} | {s['ratio_last_first']} |"
            )
    return (
        f"Command: `{command}`; load average {load[0]:.2f} at the start, {load[1]:.2f} at the end. "
        "Medians over the conversations' turn 5 and turn 50, and over all turns 1–10 and 191–200 of the "
        "200-turn conversations.\n\n" + "\n".join(rows) + "\n"
    )
