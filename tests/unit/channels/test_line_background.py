"""Background handling: each event once, each conversation in order, conversations side by side."""

import asyncio

from bot.channels.line_dedupe import InMemorySeenEvents
from bot.channels.line_tasks import OrderedTasks


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


async def test_an_event_id_is_new_once_until_it_expires():
    clock = Clock()
    seen = InMemorySeenEvents(ttl=60, clock=clock)
    assert await seen.first_sighting("01HEVENT")
    assert not await seen.first_sighting("01HEVENT")
    clock.now = 61
    assert await seen.first_sighting("01HEVENT")


async def test_the_memory_is_bounded_and_forgets_the_oldest_first():
    seen = InMemorySeenEvents(max_size=2, clock=Clock())
    for event_id in ["a", "b", "c"]:
        assert await seen.first_sighting(event_id)
    assert not await seen.first_sighting("c") and not await seen.first_sighting("b")
    assert await seen.first_sighting("a")


async def test_one_key_runs_in_order_other_keys_do_not_wait_and_a_failure_does_not_block():
    tasks, done, gate = OrderedTasks(), [], asyncio.Event()

    async def step(name, wait=False, fail=False):
        if wait:
            await gate.wait()
        if fail:
            raise RuntimeError(name)
        done.append(name)

    tasks.submit("alice", lambda: step("alice 1", wait=True, fail=True))
    tasks.submit("alice", lambda: step("alice 2"))
    tasks.submit("bob", lambda: step("bob 1"))
    await asyncio.sleep(0.01)
    assert done == ["bob 1"]
    gate.set()
    await tasks.drain(1)
    assert done == ["bob 1", "alice 2"]
