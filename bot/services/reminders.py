"""Who wants renewal reminders, and where: on LINE to the user's own ID, or by mail. bot.runtime.reminders
sends them."""

from __future__ import annotations

from bot.store import models, repository
from bot.store.db import in_session

ON_LINE = models.REMINDER_BY_LINE
BY_MAIL = models.REMINDER_BY_MAIL


async def subscribe(channel: str, address: str, owner_email: str) -> None:
    """Reminders of `owner_email`'s licences go to `address` on `channel` from now on."""
    await in_session(lambda session: repository.subscribe_to_reminders(session, channel, address, owner_email))


async def unsubscribe(channel: str, address: str) -> bool:
    """No more reminders to `address`; False when none were asked for."""
    return await in_session(lambda session: repository.unsubscribe_from_reminders(session, channel, address))
