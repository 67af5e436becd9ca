"""The default CC addresses of a customer's portal profile: the list, and adding or removing one
under the rules of bot.support.contact."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Tuple

from sqlalchemy.orm import Session

from bot.store import repository
from bot.store.db import in_session
from bot.support.contact import CcError, CcOperation, add_cc, remove_cc


@dataclass(frozen=True)
class CcChange:
    # The list after the change, or as it was when the change was refused.
    addresses: Tuple[str, ...]
    error: Optional[CcError] = None


async def current(email: str) -> Tuple[str, ...]:
    """The addresses in the order they were added; none without an account."""
    return await in_session(lambda session: repository.cc_addresses(session, email)) or ()


def _change(session: Session, email: str, operation: CcOperation, address: str) -> CcChange:
    addresses = repository.cc_addresses(session, email) or ()
    if operation is CcOperation.ADD:
        wanted, error = add_cc(addresses, address, email)
    else:
        wanted, error = remove_cc(addresses, address)
    if error is not None:
        return CcChange(tuple(addresses), error)
    return CcChange(repository.set_cc_addresses(session, email, wanted))


async def change(email: str, operation: CcOperation, address: str) -> CcChange:
    """Add or remove `address`; the list is read and written in one transaction."""
    return await in_session(lambda session: _change(session, email, operation, address))
