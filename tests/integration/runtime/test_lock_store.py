"""Two Rasa servers changing one conversation's lock at the same moment, on a real Redis.

Each test makes the other server act between this server's read of the lock and its write, the
moment Rasa's own RedisLockStore loses the other's change."""

import os
import secrets
from urllib.parse import urlsplit

import pytest
import redis
from rasa.core.lock import TicketLock
from rasa.core.lock_store import LockStore, RedisLockStore
from rasa.utils.endpoints import EndpointConfig, read_endpoint_config
from redis.exceptions import RedisError

from bot.runtime.lock_store import AtomicRedisLockStore
from project_helpers import ROOT, unavailable

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://localhost:6379/15")


@pytest.fixture
def endpoint():
    parts = urlsplit(REDIS_URL)
    config = EndpointConfig(
        url=parts.hostname or "localhost", port=parts.port or 6379, db=int(parts.path.lstrip("/") or 0)
    )
    try:
        redis.Redis(host=config.url, port=config.kwargs["port"], db=config.kwargs["db"]).ping()
    except RedisError as error:
        unavailable(f"Redis at {REDIS_URL} must be reachable: {error}")
    return config


@pytest.fixture
def conversation():
    return f"lock-test-{secrets.token_hex(4)}"


def servers(endpoint, kind):
    """Two lock stores with their own connections, as two Rasa processes have."""
    if kind is RedisLockStore:
        return [RedisLockStore(host=endpoint.url, **endpoint.kwargs) for _ in range(2)]
    return [kind(endpoint) for _ in range(2)]


def meanwhile(monkeypatch, method, act):
    """`act` runs once, inside the first call of TicketLock.`method`: after the lock was read,
    before it is written back."""
    original = getattr(TicketLock, method)
    done = []
    acting = []

    def interleaved(lock, *args):
        if not acting:  # the other server's own change goes through this method too
            acting.append(True)
            done.append(act())
        return original(lock, *args)

    monkeypatch.setattr(TicketLock, method, interleaved)
    return done


def ticket_numbers(store, conversation):
    lock = store.get_lock(conversation)
    return [ticket.number for ticket in lock.tickets] if lock else []


def test_two_servers_taking_a_ticket_at_once_get_different_tickets_and_both_wait_in_line(
    endpoint, conversation, monkeypatch
):
    first, second = servers(endpoint, AtomicRedisLockStore)
    other = meanwhile(monkeypatch, "issue_ticket", lambda: second.issue_ticket(conversation))
    mine = first.issue_ticket(conversation)
    assert mine != other[0]
    assert ticket_numbers(first, conversation) == [other[0], mine]
    assert first.get_lock(conversation).is_locked(mine)  # the other server's message goes first


def test_a_ticket_taken_while_another_server_finishes_is_kept_and_the_lock_not_deleted(
    endpoint, conversation, monkeypatch
):
    first, second = servers(endpoint, AtomicRedisLockStore)
    served = first.issue_ticket(conversation)
    waiting = meanwhile(monkeypatch, "remove_ticket_for", lambda: second.issue_ticket(conversation))
    first.cleanup(conversation, served)
    assert ticket_numbers(second, conversation) == waiting
    assert not second.get_lock(conversation).is_locked(waiting[0])  # and it is served next


def test_dropping_expired_tickets_while_another_server_takes_one_keeps_the_new_ticket(
    endpoint, conversation, monkeypatch
):
    first, second = servers(endpoint, AtomicRedisLockStore)
    waiting = first.issue_ticket(conversation)
    new = meanwhile(monkeypatch, "remove_expired_tickets", lambda: second.issue_ticket(conversation))
    first.update_lock(conversation)
    assert ticket_numbers(first, conversation) == [waiting, new[0]]
    first.cleanup(conversation, waiting)
    first.cleanup(conversation, new[0])
    assert first.get_lock(conversation) is None  # nobody waits: the lock is gone


def test_rasa_s_own_redis_lock_store_gives_two_servers_the_same_ticket(endpoint, conversation, monkeypatch):
    """Why AtomicRedisLockStore exists: if a Rasa upgrade makes this fail, it can go."""
    first, second = servers(endpoint, RedisLockStore)
    other = meanwhile(monkeypatch, "issue_ticket", lambda: second.issue_ticket(conversation))
    mine = first.issue_ticket(conversation)
    assert mine == other[0]
    first.delete_lock(conversation)


def test_the_scaled_servers_are_configured_with_the_atomic_lock_store(endpoint, monkeypatch):
    for name, value in {
        "REDIS_HOST": endpoint.url,
        "REDIS_PORT": str(endpoint.kwargs["port"]),
        "REDIS_DB": str(endpoint.kwargs["db"]),
        "REDIS_PASSWORD": "",
        "ACTION_ENDPOINT_URL": "http://localhost:5055/webhook",
        "BOT_ACTIONS_SECRET": "x",
    }.items():
        monkeypatch.setenv(name, value)
    config = read_endpoint_config(str(ROOT / "deploy" / "endpoints-scaled.yml"), "lock_store")
    assert type(LockStore.create(config)) is AtomicRedisLockStore
