"""Applying for a renewal by payment slip: serial, years, confirmation, then the order."""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.orm import Session

from bot.actions.forms import CountingFormValidation, entity_value, is_answer_to
from bot.actions.identity import verified_email
from bot.actions.phrasing import japanese_date
from bot.actions.renewal import tell_one
from bot.domain import clock
from bot.domain.identifiers import canonical_serial, mask_identifiers
from bot.domain.vocabulary import PAYMENT_SLIP
from bot.store import models, repository
from bot.store.db import in_session
from bot.support.renewal import (
    SlipApplicationBlock,
    assess_renewal,
    parse_renewal_years,
    parse_renewal_years_in,
    slip_application_block,
    slip_arrival,
)

RENEWAL_SLOTS = ("serial_number", "renewal_years", "renewal_confirm", "renewal_product", "form_stopped")
CONFIRMATION_TEMPLATE = "renewal_slip_order"
CONFIRMATION_SUBJECT = "ウイルスバスター 契約更新お申し込み受付のお知らせ(振込用紙)"


def _application_check(session: Session, email: str, serial: str, wanted_product: Optional[str]):
    """The licence if it is the customer's, and why it cannot be applied for (None: it can)."""
    licence = repository.find_licence(session, serial)
    if licence is None or licence.owner_email != email:
        return None, None
    assessment = assess_renewal(licence.product, licence.expiry, clock.today(), licence.auto_renewal)
    order = repository.latest_order(session, serial)
    pending = order is not None and order.status == models.AWAITING_PAYMENT
    return licence, (assessment, slip_application_block(assessment, wanted_product, pending), order)


async def check_serial(dispatcher: CollectingDispatcher, email: Optional[str], serial_text: str,
                       wanted_product: Optional[str]) -> Dict[str, Any]:
    """Slots after checking the serial: kept when it can be applied for, else the reason is said."""
    serial = canonical_serial(serial_text)
    licence, verdict = await in_session(lambda session: _application_check(session, email, serial, wanted_product))
    if licence is None:
        dispatcher.utter_message(response="utter_serial_not_yours", serial=serial)
        return {"serial_number": None}
    assessment, block, order = verdict
    if block is SlipApplicationBlock.NOT_RENEWABLE:
        tell_one(dispatcher, licence)
    elif block is SlipApplicationBlock.UPGRADE_NEEDS_CARD:
        dispatcher.utter_message(response="utter_upgrade_card_only")
        if assessment.upgrade_requires_auto_renewal_cancelled:
            dispatcher.utter_message(response="utter_upgrade_needs_auto_renewal_cancelled")
    elif block is SlipApplicationBlock.ORDER_PENDING:
        dispatcher.utter_message(
            response="utter_renewal_order_pending", serial=serial, applied_on=japanese_date(order.applied_on)
        )
    if block is not None:
        return {"serial_number": None, "form_stopped": True}
    return {"serial_number": serial}


class ValidateRenewalForm(CountingFormValidation):
    def name(self) -> Text:
        return "validate_renewal_form"

    async def required_slots(self, domain_slots, dispatcher, tracker, domain) -> List[Text]:
        return [] if tracker.get_slot("form_stopped") else domain_slots

    async def extract_serial_number(self, dispatcher, tracker, domain) -> Dict[str, Any]:
        # Taken here as well as by the slot's own mapping, so that it is always validated.
        value = entity_value(tracker, "serial_number")
        if value:
            return {"serial_number": value}
        if is_answer_to(tracker, "serial_number"):
            return self.format_failure(dispatcher, tracker, "utter_serial_format")
        return {}

    async def validate_serial_number(self, value, dispatcher, tracker, domain) -> Dict[str, Any]:
        slots = await check_serial(dispatcher, verified_email(tracker), value, tracker.get_slot("renewal_product"))
        return {**slots, "format_failures": 0} if slots.get("serial_number") else slots

    async def extract_renewal_years(self, dispatcher, tracker, domain) -> Dict[str, Any]:
        if not is_answer_to(tracker, "renewal_years"):
            return {}
        years = parse_renewal_years_in(tracker.latest_message.get("text") or "")
        if years is None:
            return self.format_failure(dispatcher, tracker, "utter_years_format")
        return {"renewal_years": years}

    async def validate_renewal_years(self, value, dispatcher, tracker, domain) -> Dict[str, Any]:
        return self.accepted("renewal_years", value)

    async def extract_renewal_confirm(self, dispatcher, tracker, domain) -> Dict[str, Any]:
        return self.yes_for(tracker, "renewal_confirm")


def _place_order(session: Session, email: str, serial: str, years: int, wanted_product: Optional[str]):
    """The order and the slip's arrival, or None when the serial is not the customer's to apply for now."""
    licence, verdict = _application_check(session, email, serial, wanted_product)
    # The form checked it, but the order is what counts: check again in the same transaction.
    if licence is None or verdict[1] is not None:
        return None
    order = repository.create_renewal_order(session, serial=serial, years=years,
                                            payment_method=PAYMENT_SLIP)
    first, last = slip_arrival(order.applied_on)
    repository.queue_mail(
        session, to=email, template=CONFIRMATION_TEMPLATE, subject=CONFIRMATION_SUBJECT,
        body=(f"シリアル番号 {serial} の契約更新({years}年)を振込用紙でのお支払いで承りました。"
              f"振込用紙は{japanese_date(first)}から{japanese_date(last)}ごろまでにお届けします。"),
    )
    return order, first, last


async def apply_renewal(dispatcher: CollectingDispatcher, tracker: Tracker, email: str) -> List[Dict[Text, Any]]:
    """Start the renewal form, or place the order once the form has its confirmed answers."""
    reset = [SlotSet(slot, None) for slot in RENEWAL_SLOTS]
    if tracker.get_slot("form_stopped"):
        return reset
    serial, years = tracker.get_slot("serial_number"), tracker.get_slot("renewal_years")
    if tracker.get_slot("renewal_confirm") and serial and years:
        typed, serial, years = serial, canonical_serial(serial), parse_renewal_years(years)
        product = tracker.get_slot("renewal_product")
        placed = serial and years and await in_session(
            lambda session: _place_order(session, email, serial, years, product))
        if not placed:
            dispatcher.utter_message(response="utter_serial_not_yours", serial=typed)
            return reset
        order, first, last = placed
        dispatcher.utter_message(
            response="utter_renewal_applied", order_id=order.id, serial=serial, serial_masked=mask_identifiers(serial),
            years=years, first=japanese_date(first), last=japanese_date(last), email=email,
        )
        dispatcher.utter_message(response="utter_faq/renewal_faster_payment")
        return reset
    # Values named before verification were never validated by the form: check them now.
    if serial:
        slots = await check_serial(dispatcher, email, serial, tracker.get_slot("renewal_product"))
        if slots.get("form_stopped"):
            return reset
        if not slots.get("serial_number"):
            return [SlotSet("serial_number", None), FollowupAction("renewal_form")]
    return [FollowupAction("renewal_form")]

