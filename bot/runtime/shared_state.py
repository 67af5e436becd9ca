"""State that several Rasa processes must share: per-sender message counts and LINE's handled events.

One process keeps them in memory (bot.support.messages, bot.channels.line_dedupe). Behind a
load balancer a sender's messages and LINE's redeliveries reach any process, so with
REDIS_URL set (as `make run-scaled` sets it) they live in Redis. When Redis fails these
fail open, and say so in the log: a customer answered twice, or not rate-limited for a
minute, is better than a customer not answered at all.
"""

from __future__ import annotations

import logging
import time
from typing import Callable, Optional

from redis import asyncio as aioredis
from redis.exceptions import RedisError

from bot import settings
from bot.channels.line_dedupe import InMemorySeenEvents, SeenEvents
from bot.support.messages import DEFAULT_PER_MINUTE, SlidingWindowLimiter

logger = logging.getLogger(__name__)


def redis_url() -> Optional[str]:
    return settings.current(settings.CoreSettings).redis_url


class RedisRateLimiter:
    """At most `limit` messages per sender per clock minute (a fixed window), across processes."""

    def __init__(self, client: "aioredis.Redis", limit: int = DEFAULT_PER_MINUTE, window: int = 60,
                 clock: Callable[[], float] = time.time) -> None:
        self._client, self._limit, self._window, self._clock = client, limit, window, clock

    async def allow(self, sender: str) -> bool:
        key = f"bot:rate:{sender}:{int(self._clock() // self._window)}"
        try:
            async with self._client.pipeline(transaction=True) as pipe:
                count, _ = await pipe.incr(key).expire(key, self._window * 2).execute()
        except RedisError as error:
            logger.warning("rate limit not checked, Redis failed: %s", type(error).__name__)
            return True
        return count <= self._limit


class RedisSeenEvents:
    """LINE webhook event ids handled by any process, for a day."""

    def __init__(self, client: "aioredis.Redis", ttl: int = 24 * 3600) -> None:
        self._client, self._ttl = client, ttl

    async def first_sighting(self, event_id: str) -> bool:
        try:
            return bool(await self._client.set(f"bot:line-event:{event_id}", 1, nx=True, ex=self._ttl))
        except RedisError as error:
            logger.warning("LINE redelivery not checked, Redis failed: %s", type(error).__name__)
            return True


def _client(url: str) -> "aioredis.Redis":
    # Short timeouts: a Redis that hangs must not hold a customer's answer for long.
    return aioredis.from_url(url, socket_timeout=1.0, socket_connect_timeout=1.0)


def rate_limiter(limit: int):
    url = redis_url()
    return RedisRateLimiter(_client(url), limit) if url else SlidingWindowLimiter(limit)


def seen_events() -> SeenEvents:
    url = redis_url()
    return RedisSeenEvents(_client(url)) if url else InMemorySeenEvents()
