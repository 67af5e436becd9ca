"""Rate counts and LINE's handled events in Redis, shared by every Rasa process; failing open. The
channels Rasa makes from credentials.yml are handed the shared state."""

import os
import secrets

import pytest
from rasa.core import run as rasa_run
from rasa.core.channels.rest import RestInput as RasaRestInput
from redis import asyncio as aioredis
from redis.exceptions import ConnectionError as RedisConnectionError
from socketio import AsyncRedisManager

from bot.channels.line_dedupe import InMemorySeenEvents
from bot.channels.rest import RestInput
from bot.runtime.shared_state import RedisRateLimiter, RedisSeenEvents, SharedState, hand_to_channels
from project_helpers import free_port, unavailable

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://localhost:6379/15")


@pytest.fixture
async def redis_client():
    client = aioredis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        await client.ping()
    except RedisConnectionError as error:
        await client.close()
        message = f"Redis at {REDIS_URL} is unreachable: {error}"
        unavailable(message)
    yield client
    await client.close()


async def test_the_limit_holds_across_processes(redis_client):
    sender, now = f"s-{secrets.token_hex(4)}", [6000.0]
    # Two limiters stand for two Rasa processes; they share the count.
    first = RedisRateLimiter(redis_client, limit=3, clock=lambda: now[0])
    second = RedisRateLimiter(aioredis.from_url(REDIS_URL), limit=3, clock=lambda: now[0])
    assert [await first.allow(sender), await second.allow(sender), await first.allow(sender)] == [True] * 3
    assert await second.allow(sender) is False
    assert await first.allow("someone-else-" + sender) is True
    now[0] += 60  # the next minute
    assert await second.allow(sender) is True
    assert 0 < await redis_client.ttl(f"bot:rate:{sender}:{int(now[0] // 60)}") <= 120


async def test_a_line_event_is_handled_once_whichever_process_gets_it(redis_client):
    event_id = f"01H{secrets.token_hex(10).upper()}"
    first, second = RedisSeenEvents(redis_client), RedisSeenEvents(aioredis.from_url(REDIS_URL))
    assert await first.first_sighting(event_id) is True
    assert await second.first_sighting(event_id) is False
    assert 0 < await redis_client.ttl(f"bot:line-event:{event_id}") <= 24 * 3600


async def test_without_redis_both_fail_open():
    nowhere = aioredis.from_url(f"redis://127.0.0.1:{free_port()}", socket_connect_timeout=0.5)
    assert await RedisRateLimiter(nowhere, limit=1).allow("alice") is True
    assert await RedisRateLimiter(nowhere, limit=1).allow("alice") is True
    assert await RedisSeenEvents(nowhere).first_sighting("01HXYZ") is True


@pytest.fixture
def make_channel(monkeypatch):
    """Rasa's own maker of a credentials.yml channel, put back after the test."""
    monkeypatch.setattr(rasa_run, "_create_single_channel", rasa_run._create_single_channel)
    return lambda channel, credentials=None: rasa_run._create_single_channel(channel, credentials)


def test_the_channels_rasa_makes_are_handed_the_shared_state(make_channel):
    shared = SharedState(None)
    hand_to_channels(shared)
    line = make_channel("bot.channels.line.LineInput")
    assert line.seen_events is shared.seen_events and isinstance(line.seen_events, InMemorySeenEvents)
    web = make_channel(
        "bot.channels.socketio.SocketIOInput",
        {"session_persistence": True, "metadata_key": "customData", "not_rasas": 1},
    )
    # credentials.yml is read as Rasa reads it, unknown keys ignored.
    assert (web.session_persistence, web.metadata_key, web.socketio_path) == (True, "customData", "/socket.io")
    assert web.client_manager is None
    # The others are Rasa's to make, as before.
    assert type(make_channel("bot.channels.rest.RestInput")) is RestInput
    assert type(make_channel("rest")) is RasaRestInput


def test_with_redis_the_channels_share_through_it(make_channel):
    hand_to_channels(SharedState(REDIS_URL))
    assert isinstance(make_channel("bot.channels.line.LineInput").seen_events, RedisSeenEvents)
    assert isinstance(make_channel("bot.channels.socketio.SocketIOInput").client_manager, AsyncRedisManager)
