"""A customer's licences and whether each can be renewed today.

`owned_licence` is the one ownership check: the renewal check, the renewal application and the
verification by serial number all ask it whether a serial is the customer's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Optional, Tuple

from sqlalchemy.orm import Session

from bot.domain import clock
from bot.domain.identifiers import canonical_email
from bot.store import repository
from bot.store.db import in_session
from bot.store.repository import LicenceRecord
from bot.support.renewal import RenewalAssessment, assess_renewal


@dataclass(frozen=True)
class LicenceRenewal:
    serial: str
    product: str
    expiry: date
    assessment: RenewalAssessment


@dataclass(frozen=True)
class RenewalOptions:
    licences: Tuple[LicenceRenewal, ...]
    # A serial was named that is unknown or someone else's: the two read the same.
    serial_not_theirs: bool = False


def owned_licence(session: Session, email: Optional[str], serial: str) -> Optional[LicenceRecord]:
    """The licence of `serial` if `email` owns it; None when it is unknown or someone else's."""
    owner = canonical_email(email) if email else None
    licence = repository.find_licence(session, serial) if owner else None
    return licence if licence is not None and licence.owner_email == owner else None


def renewal_today(licence: LicenceRecord) -> LicenceRenewal:
    assessment = assess_renewal(licence.product, licence.expiry, clock.today(), licence.auto_renewal)
    return LicenceRenewal(licence.serial, licence.product, licence.expiry, assessment)


def _options(session: Session, email: str, serial: Optional[str]) -> RenewalOptions:
    if serial:
        licence = owned_licence(session, email, serial)
        if licence is None:
            return RenewalOptions((), serial_not_theirs=True)
        return RenewalOptions((renewal_today(licence),))
    return RenewalOptions(tuple(renewal_today(licence) for licence in repository.licences_of(session, email)))


async def renewal_options(email: str, serial: Optional[str]) -> RenewalOptions:
    """The named licence, or without a serial all of the customer's, soonest expiry first."""
    return await in_session(lambda session: _options(session, email, serial))
