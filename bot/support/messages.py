"""What a customer's message must be before the bot reads it: clean, not empty, not too long,
and not one of too many from the same sender.

Pure functions and a limiter with an explicit clock, so every limit is checked exactly.
"""

from __future__ import annotations

import re
import time
from collections import deque
from enum import Enum
from typing import Callable, Deque, Dict, Optional

DEFAULT_MAX_CHARS = 2000
DEFAULT_PER_MINUTE = 20

# Control characters (NUL included: PostgreSQL cannot store it in text) and the bidi
# embedding, override and isolate marks, which can make a stored message read differently
# to an agent than it was typed. Line breaks and tabs are ordinary text.
_UNWANTED = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


class Problem(str, Enum):
    EMPTY = "empty"
    TOO_LONG = "too_long"


def clean(text: str) -> str:
    return _UNWANTED.sub("", text)


def problem_with(text: str, max_chars: int = DEFAULT_MAX_CHARS) -> Optional[Problem]:
    """Why the bot should not read `text` (after cleaning), or None."""
    if not text.strip():
        return Problem.EMPTY
    if len(text) > max_chars:
        return Problem.TOO_LONG
    return None


class SlidingWindowLimiter:
    """At most `limit` messages per sender within any `window` seconds, in this process."""

    def __init__(
        self,
        limit: int = DEFAULT_PER_MINUTE,
        window: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
        max_senders: int = 100_000,
    ) -> None:
        self._limit, self._window, self._clock, self._max_senders = limit, window, clock, max_senders
        self._seen: Dict[str, Deque[float]] = {}

    async def allow(self, sender: str) -> bool:
        now = self._clock()
        times = self._seen.pop(sender, None) or deque()
        while times and times[0] <= now - self._window:
            times.popleft()
        allowed = len(times) < self._limit
        if allowed:
            times.append(now)
        # Re-inserted last: the dict's order is then least recently active first.
        self._seen[sender] = times
        if len(self._seen) > self._max_senders:
            del self._seen[next(iter(self._seen))]
        return allowed
