"""What the actions ask of the bot's data, one module per capability.

Actions map slots to these calls and the results to responses; they never hold a database
session (pyproject.toml's import contracts keep bot.store and SQLAlchemy out of bot.actions).
Every function an action calls is a coroutine that does its work in a session of its own
(bot.store.db.in_session, off the event loop) and returns plain values or frozen dataclasses,
never ORM objects. The rules the services apply are bot.support's, the queries bot.store's.

The few functions that take a session (`licences.owned_licence`, `mails.queue`) are the parts
services share so that one transaction covers, for instance, an order and its mail.

Actions look a service up as an attribute of this package when they call it
(`services.accounts.standing_of(...)`), so a test swaps a fake for one capability in one place:
`monkeypatch.setattr(bot.services, "accounts", fake)`.
"""

from bot.services import (
    accounts,
    cc_addresses,
    licences,
    ratings,
    reminders,
    renewal_orders,
    tickets,
    verification,
)

__all__ = [
    "accounts",
    "cc_addresses",
    "licences",
    "ratings",
    "reminders",
    "renewal_orders",
    "tickets",
    "verification",
]
