"""The load: simulated customers posting to Rasa's REST webhook (asyncio + aiohttp, localhost only).

Every message becomes one record: its latency, and an error if the answer was not a
good one: `http` (status other than 200), `exception` (connection error, timeout, bad
body), `empty` (no reply where one is expected), `wrong` (the bot's reply lacks the
expected piece of the answer). The stock server has no action server, so it is
expected to answer only the FAQ turns, and its content is not checked.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

import aiohttp

from .conversations import ACTION, Turn, faq_turns, reply_text, script
from .processes import rss_mib

REQUEST_TIMEOUT_SECONDS = 60
RSS_SAMPLE_SECONDS = 0.25


@dataclass
class Server:
    """A running system under test."""

    name: str
    webhook: str
    checks_replies: bool
    process: Any  # the subprocess.Popen this benchmark started
    pids: Dict[str, int] = field(default_factory=dict)
    actions_webhook: Optional[str] = None


def session() -> aiohttp.ClientSession:
    # No connection limit below the concurrency level: the client must not be the queue.
    return aiohttp.ClientSession(
        connector=aiohttp.TCPConnector(limit=0),
        timeout=aiohttp.ClientTimeout(total=REQUEST_TIMEOUT_SECONDS),
    )


async def post_turn(http: aiohttp.ClientSession, server: Server, sender: str, turn: Turn) -> Dict:
    status: Optional[int] = None
    replies: list = []
    error = detail = None
    start = time.perf_counter()
    try:
        async with http.post(server.webhook, json={"sender": sender, "message": turn.text}) as response:
            status = response.status
            body = await response.text()
        if status == 200:
            replies = json.loads(body)
            if not isinstance(replies, list):
                raise ValueError(f"not a list of messages: {body[:80]}")
        else:
            error, detail = "http", f"{status}: {body[:120]}"
    except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as exc:
        error, detail = "exception", f"{type(exc).__name__}: {exc}"[:160]
    latency_ms = (time.perf_counter() - start) * 1000
    if error is None:
        error, detail = _judge(server, turn, replies)
    return {"kind": turn.kind, "ms": round(latency_ms, 2), "status": status, "error": error, "detail": detail}


def _judge(server: Server, turn: Turn, replies: list):
    text = reply_text(replies)
    expects_reply = server.checks_replies or turn.kind != ACTION
    if expects_reply and not text.strip():
        return "empty", turn.text
    if server.checks_replies and turn.expect and turn.expect not in text:
        return "wrong", f"{turn.text} → {text[:120]}"
    return None, None


async def conversation(http, server: Server, sender: str, turns: List[Turn], deadline: float) -> List[Dict]:
    records = []
    for number, turn in enumerate(turns, 1):
        if time.monotonic() >= deadline:
            break
        records.append({"turn": number, **await post_turn(http, server, sender, turn)})
    return records


async def run_level(server: Server, level: int, conversations: int, seconds: float, tag: str) -> Dict:
    """`conversations` conversations, `level` at a time, stopped early after `seconds`."""
    deadline = time.monotonic() + seconds
    numbers = itertools.count()
    records: List[Dict] = []

    async def customer(http):
        # Each customer takes the next conversation until none are left or time is up.
        for number in numbers:
            if number >= conversations or time.monotonic() >= deadline:
                return
            sender = f"{tag}-{server.name}-L{level}-c{number}"
            for record in await conversation(http, server, sender, script(number), deadline):
                records.append({"conversation": number, **record})

    async with session() as http, RssPeak(server.pids) as rss:
        start = time.perf_counter()
        await asyncio.gather(*(customer(http) for _ in range(level)))
        elapsed = time.perf_counter() - start
    return {
        "level": level,
        "seconds": round(elapsed, 2),
        "capped": time.monotonic() >= deadline,
        "conversations_started": len({r["conversation"] for r in records}),
        "rss_peak_mib": rss.peak,
        "records": records,
    }


async def run_growth(server: Server, senders: int, turns: int, seconds: float, tag: str) -> List[List[Dict]]:
    """One long FAQ conversation at a time, `senders` times, within `seconds`: each one's records."""
    deadline = time.monotonic() + seconds
    async with session() as http:
        return [
            await conversation(http, server, f"{tag}-{server.name}-growth-{n}", faq_turns(turns), deadline)
            for n in range(senders)
        ]


async def warm_up(server: Server, tag: str, seconds: float) -> List[Dict]:
    """Both scripts once, not counted: the first turns of each kind pay for lazy loading."""
    deadline = time.monotonic() + seconds
    async with session() as http:
        runs = [
            await conversation(http, server, f"{tag}-{server.name}-warmup-{n}", script(n), deadline) for n in range(2)
        ]
    return [record for run in runs for record in run]


def rss_now(pids: Dict[str, int]) -> Dict[str, Optional[float]]:
    return {label: _round(rss_mib(pid)) for label, pid in pids.items()}


def _round(value: Optional[float]) -> Optional[float]:
    return None if value is None else round(value, 1)


class RssPeak:
    """Highest VmRSS of each process while the block runs, sampled every RSS_SAMPLE_SECONDS."""

    def __init__(self, pids: Dict[str, int]) -> None:
        self.pids = pids
        self.peak: Dict[str, Optional[float]] = {label: None for label in pids}

    async def __aenter__(self) -> "RssPeak":
        self._task = asyncio.create_task(self._watch())
        return self

    async def __aexit__(self, *exc) -> None:
        self._task.cancel()
        await asyncio.gather(self._task, return_exceptions=True)
        self._sample()

    async def _watch(self) -> None:
        while True:
            self._sample()
            await asyncio.sleep(RSS_SAMPLE_SECONDS)

    def _sample(self) -> None:
        for label, value in rss_now(self.pids).items():
            if value is not None:
                self.peak[label] = max(self.peak[label] or 0.0, value)
