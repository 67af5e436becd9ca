"""How satisfied customers were: one rating (1 to 5) per session of a conversation, and the
comment written after it, kept masked as the review queue masks messages."""

from __future__ import annotations

from datetime import datetime

from bot.store import repository
from bot.store.db import in_session
from bot.store.review_rules import masked


async def record_rating(sender_id: str, channel: str, score: int, session_started_at: datetime) -> bool:
    """False when the session was rated already: the first rating stays."""
    return await in_session(
        lambda session: repository.record_csat(session, sender_id, channel, score, session_started_at)
    )


async def record_comment(sender_id: str, session_started_at: datetime, comment: str) -> bool:
    """False when the session has no rating or its rating has a comment already."""
    return await in_session(
        lambda session: repository.record_csat_comment(session, sender_id, session_started_at, masked(comment))
    )
