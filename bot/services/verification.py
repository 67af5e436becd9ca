"""Whether an e-mail address and a proof (activation code or serial number) belong together."""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot.domain.identifiers import canonical_activation_code, canonical_serial
from bot.services.licences import owned_licence
from bot.store import repository
from bot.store.db import in_session


def _matches(session: Session, email: str, proof: str) -> bool:
    code = canonical_activation_code(proof)
    if code:
        account = repository.find_account(session, email)
        return account is not None and account.activation_code == code
    serial = canonical_serial(proof)
    return serial is not None and owned_licence(session, email, serial) is not None


async def proof_matches(email: str, proof: str) -> bool:
    """Whether `proof` belongs to `email`.

    Unknown e-mail, unknown proof and a proof of someone else all give False alike,
    so the caller cannot tell them apart and neither can the customer.
    """
    return await in_session(lambda session: _matches(session, email, proof))
