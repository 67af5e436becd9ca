"""Whether and how the customer's own licences can be renewed."""

from __future__ import annotations

from typing import Optional

from rasa_sdk.executor import CollectingDispatcher

from bot import services
from bot.domain.identifiers import canonical_serial, mask_identifiers
from bot.domain.phrasing import japanese_date
from bot.services.licences import LicenceRenewal
from bot.support.renewal import RenewalReason


def tell_one(dispatcher: CollectingDispatcher, licence: LicenceRenewal) -> None:
    assessment = licence.assessment
    # LINE's cards show the serial masked: a phone's notification shows them on the lock screen.
    values = dict(
        serial=licence.serial,
        serial_masked=mask_identifiers(licence.serial),
        product=licence.product,
        expiry=japanese_date(licence.expiry),
    )
    if assessment.reason is RenewalReason.TOO_EARLY:
        # Too early only where the window has a first day.
        assert assessment.window_start is not None
        dispatcher.utter_message(
            response="utter_renewal_too_early", from_date=japanese_date(assessment.window_start), **values
        )
        return
    if assessment.reason is RenewalReason.TOO_LATE:
        dispatcher.utter_message(response="utter_renewal_too_late", **values)
        return
    if assessment.window_end is None:
        dispatcher.utter_message(response="utter_renewal_ok_no_limit", **values)
    else:
        dispatcher.utter_message(response="utter_renewal_ok", until=japanese_date(assessment.window_end), **values)
    dispatcher.utter_message(
        response="utter_renew_in_account" if assessment.visible_in_account else "utter_renew_from_product"
    )
    if assessment.upgrade_requires_auto_renewal_cancelled:
        dispatcher.utter_message(response="utter_upgrade_needs_auto_renewal_cancelled")


async def tell_renewal_options(dispatcher: CollectingDispatcher, email: str, serial_text: Optional[str]) -> None:
    serial = canonical_serial(serial_text) if serial_text else None
    options = await services.licences.renewal_options(email, serial)
    if options.serial_not_theirs:
        dispatcher.utter_message(response="utter_serial_not_yours", serial=serial)
    elif not options.licences:
        dispatcher.utter_message(response="utter_no_licences")
    for licence in options.licences:
        tell_one(dispatcher, licence)
