"""State that several Rasa processes must share: per-sender message counts, LINE's handled events and
the web chat's emits.

One process keeps them in memory (bot.support.messages, bot.channels.line_dedupe). Behind a
load balancer a sender's messages and LINE's redeliveries reach any process, and an agent's words
for a web customer may reach another process than the one holding the customer's socket, so with
REDIS_URL set (as `make run-scaled` sets it) they go through Redis. When Redis fails the counts and
the events fail open, and say so in the log: a customer answered twice, or not rate-limited for a
minute, is better than a customer not answered at all.

The Rasa server makes one SharedState at start (bot.runtime.rasa_server) and hands it to the guards
and, through the wrap below, to the channels Rasa makes from credentials.yml.
"""

from __future__ import annotations

import functools
import logging
import time
from typing import Any, Callable, Dict, Optional

from rasa.core import run as rasa_run
from rasa.core.channels import BUILTIN_CHANNELS
from rasa.shared.utils.common import class_from_module_path
from redis import asyncio as aioredis
from redis.exceptions import RedisError
from socketio import AsyncRedisManager

from bot.channels.line import LineInput
from bot.channels.line_dedupe import InMemorySeenEvents, SeenEvents
from bot.channels.socketio import SocketIOInput
from bot.support.messages import DEFAULT_PER_MINUTE, SlidingWindowLimiter

logger = logging.getLogger(__name__)


class RedisRateLimiter:
    """At most `limit` messages per sender per clock minute (a fixed window), across processes."""

    def __init__(
        self,
        client: "aioredis.Redis",
        limit: int = DEFAULT_PER_MINUTE,
        window: int = 60,
        clock: Callable[[], float] = time.time,
    ) -> None:
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


class SharedState:
    """What one Rasa process shares with the others: in Redis at `redis_url`, or without it in memory."""

    def __init__(self, redis_url: Optional[str]) -> None:
        self.redis_url = redis_url
        self.seen_events: SeenEvents = RedisSeenEvents(_client(redis_url)) if redis_url else InMemorySeenEvents()

    def rate_limiter(self, limit: int):
        return RedisRateLimiter(_client(self.redis_url), limit) if self.redis_url else SlidingWindowLimiter(limit)

    def socketio_manager(self) -> Optional[AsyncRedisManager]:
        """python-socketio's Redis manager, which passes each emit to the server holding the socket."""
        return AsyncRedisManager(self.redis_url, channel="bot-socketio") if self.redis_url else None

    def for_channel(self, channel_class: type) -> Dict[str, Any]:
        """What a channel class takes of the shared state: keyword arguments of its from_credentials."""
        if issubclass(channel_class, LineInput):
            return {"seen_events": self.seen_events}
        if issubclass(channel_class, SocketIOInput):
            return {"client_manager": self.socketio_manager()}
        return {}


def hand_to_channels(shared: SharedState) -> None:
    """Rasa makes each channel of credentials.yml with `from_credentials(credentials)` and nothing
    else; the channels that share state with other Rasa processes are given `shared` too."""
    create = rasa_run._create_single_channel

    @functools.wraps(create)
    def create_with_shared_state(channel: str, credentials: Optional[Dict[str, Any]]) -> Any:
        if channel in BUILTIN_CHANNELS:
            return create(channel, credentials)
        try:
            channel_class = class_from_module_path(channel)
        except (AttributeError, ImportError, TypeError):
            return create(channel, credentials)  # Rasa's own words for a channel it cannot find
        parts = shared.for_channel(channel_class)
        return channel_class.from_credentials(credentials, **parts) if parts else create(channel, credentials)

    rasa_run._create_single_channel = create_with_shared_state
