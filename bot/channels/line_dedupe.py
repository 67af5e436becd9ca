"""Remembering which webhook events were handled, so that LINE's redeliveries are not answered twice."""

from __future__ import annotations

import time
from collections import OrderedDict
from typing import Callable, Protocol


class SeenEvents(Protocol):
    async def first_sighting(self, event_id: str) -> bool:
        """True the first time an id is offered, False on every later offer within the store's memory."""


class InMemorySeenEvents:
    """Event ids of the last day, at most `max_size` of them, in this process's memory.

    Enough for one Rasa process. With several processes behind a load balancer a redelivery
    can reach another one: give them a shared store behind the same interface (for example
    Redis `SET key 1 NX EX ttl`).
    """

    def __init__(self, ttl: float = 24 * 3600, max_size: int = 50_000, clock: Callable[[], float] = time.monotonic):
        self._ttl = ttl
        self._max_size = max_size
        self._clock = clock
        self._expiry: "OrderedDict[str, float]" = OrderedDict()

    async def first_sighting(self, event_id: str) -> bool:
        now = self._clock()
        # Insertion order is expiry order (one TTL for all), so expired ids sit at the front.
        while self._expiry and next(iter(self._expiry.values())) <= now:
            self._expiry.popitem(last=False)
        if event_id in self._expiry:
            return False
        self._expiry[event_id] = now + self._ttl
        if len(self._expiry) > self._max_size:
            self._expiry.popitem(last=False)
        return True
