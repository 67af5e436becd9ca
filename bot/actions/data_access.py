"""Database work for actions: off the event loop, one short session per call."""

from __future__ import annotations

import asyncio
from typing import Callable, TypeVar

from sqlalchemy.orm import Session

from bot.store.db import session_scope

T = TypeVar("T")


def _run(work: Callable[[Session], T]) -> T:
    with session_scope() as session:
        return work(session)


async def in_session(work: Callable[[Session], T]) -> T:
    """Run `work(session)` in a worker thread and commit, so a slow query never blocks other chats."""
    return await asyncio.to_thread(_run, work)
