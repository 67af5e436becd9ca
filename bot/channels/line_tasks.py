"""Background work that keeps each conversation's order but lets conversations run side by side."""

from __future__ import annotations

import asyncio
from typing import Awaitable, Callable, Dict, Optional, Set


class OrderedTasks:
    """Runs coroutines as asyncio tasks, one after another per key, in the order they were submitted."""

    def __init__(self) -> None:
        # asyncio keeps only weak references to tasks: without these a task could vanish mid-run.
        self._running: Set[asyncio.Task] = set()
        self._last: Dict[str, asyncio.Task] = {}

    def submit(self, key: str, work: Callable[[], Awaitable[None]]) -> asyncio.Task:
        task = asyncio.create_task(self._after(self._last.get(key), work))
        self._last[key] = task
        self._running.add(task)
        task.add_done_callback(lambda done: self._forget(key, done))
        return task

    async def drain(self, timeout: float) -> None:
        """Wait up to `timeout` seconds for everything submitted so far."""
        if self._running:
            await asyncio.wait(set(self._running), timeout=timeout)

    @staticmethod
    async def _after(previous: Optional[asyncio.Task], work: Callable[[], Awaitable[None]]) -> None:
        if previous is not None:
            # asyncio.wait, unlike await, does not pass the previous task's failure on.
            await asyncio.wait({previous})
        await work()

    def _forget(self, key: str, task: asyncio.Task) -> None:
        self._running.discard(task)
        if self._last.get(key) is task:
            del self._last[key]
