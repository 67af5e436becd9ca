"""Renewal applications by payment slip: whether a serial can be applied for now, and the order
with its confirmation mail."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Optional

from sqlalchemy.orm import Session

from bot.domain.vocabulary import PAYMENT_SLIP
from bot.services import mails
from bot.services.licences import LicenceRenewal, owned_licence, renewal_today
from bot.store import models, repository
from bot.store.db import in_session
from bot.support.renewal import SlipApplicationBlock, slip_application_block, slip_arrival


@dataclass(frozen=True)
class ApplicationCheck:
    # None: the serial is unknown or someone else's.
    licence: Optional[LicenceRenewal]
    # Why it cannot be applied for now; None when it can.
    block: Optional[SlipApplicationBlock] = None
    # When the order that still waits for its payment was applied for.
    pending_since: Optional[date] = None


@dataclass(frozen=True)
class PlacedOrder:
    order_id: int
    serial: str
    years: int
    # The slip arrives between these two days.
    slip_first: date
    slip_last: date


def _check(session: Session, email: Optional[str], serial: str, wanted_product: Optional[str]) -> ApplicationCheck:
    licence = owned_licence(session, email, serial)
    if licence is None:
        return ApplicationCheck(None)
    renewal = renewal_today(licence)
    order = repository.latest_order(session, licence.serial)
    pending_since = order.applied_on if order is not None and order.status == models.AWAITING_PAYMENT else None
    block = slip_application_block(renewal.assessment, wanted_product, pending_since is not None)
    return ApplicationCheck(renewal, block, pending_since)


async def check_application(email: Optional[str], serial: str, wanted_product: Optional[str]) -> ApplicationCheck:
    """Whether the customer can apply for a slip renewal of `serial` (of `wanted_product`, if named) now."""
    return await in_session(lambda session: _check(session, email, serial, wanted_product))


def _place(
    session: Session, email: str, serial: str, years: int, wanted_product: Optional[str]
) -> Optional[PlacedOrder]:
    check = _check(session, email, serial, wanted_product)
    if check.licence is None or check.block is not None:
        return None
    order = repository.create_renewal_order(session, serial=serial, years=years, payment_method=PAYMENT_SLIP)
    first, last = slip_arrival(order.applied_on)
    mails.queue(session, email, mails.renewal_slip_order(order.serial, years, first, last))
    return PlacedOrder(order.id, order.serial, years, first, last)


async def place_order(email: str, serial: str, years: int, wanted_product: Optional[str]) -> Optional[PlacedOrder]:
    """The order and when its slip arrives, with the confirmation mail queued; None when the serial
    is not the customer's to apply for now (checked again in the order's own transaction)."""
    return await in_session(lambda session: _place(session, email, serial, years, wanted_product))
