"""Applying for a renewal by payment slip: serial, years, confirmation, then the order."""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot import services
from bot.actions.forms import CountingFormValidation, entity_value, is_answer_to
from bot.actions.identity import verified_email
from bot.actions.renewal import tell_one
from bot.domain.identifiers import canonical_serial, mask_identifiers
from bot.domain.phrasing import japanese_date
from bot.support.renewal import SlipApplicationBlock, parse_renewal_years, parse_renewal_years_in

RENEWAL_SLOTS = ("serial_number", "renewal_years", "renewal_confirm", "renewal_product", "form_stopped")


async def check_serial(
    dispatcher: CollectingDispatcher, email: Optional[str], serial_text: str, wanted_product: Optional[str]
) -> Dict[str, Any]:
    """Slots after checking the serial: kept when it can be applied for, else the reason is said."""
    serial = canonical_serial(serial_text)
    # The lookup reads the serial in any spacing or case; an unreadable one is nobody's.
    check = await services.renewal_orders.check_application(email, serial_text, wanted_product)
    if check.licence is None:
        dispatcher.utter_message(response="utter_serial_not_yours", serial=serial)
        return {"serial_number": None}
    block = check.block
    if block is SlipApplicationBlock.NOT_RENEWABLE:
        tell_one(dispatcher, check.licence)
    elif block is SlipApplicationBlock.UPGRADE_NEEDS_CARD:
        dispatcher.utter_message(response="utter_upgrade_card_only")
        if check.licence.assessment.upgrade_requires_auto_renewal_cancelled:
            dispatcher.utter_message(response="utter_upgrade_needs_auto_renewal_cancelled")
    elif block is SlipApplicationBlock.ORDER_PENDING:
        # The pending order is the block, so its day is known.
        assert check.pending_since is not None
        dispatcher.utter_message(
            response="utter_renewal_order_pending", serial=serial, applied_on=japanese_date(check.pending_since)
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
        return self.yes_for(dispatcher, tracker, "renewal_confirm")


async def apply_renewal(dispatcher: CollectingDispatcher, tracker: Tracker, email: str) -> List[Dict[Text, Any]]:
    """Start the renewal form, or place the order once the form has its confirmed answers."""
    reset = [SlotSet(slot, None) for slot in RENEWAL_SLOTS]
    if tracker.get_slot("form_stopped"):
        return reset
    serial, years = tracker.get_slot("serial_number"), tracker.get_slot("renewal_years")
    if tracker.get_slot("renewal_confirm") and serial and years:
        typed, serial, years = serial, canonical_serial(serial), parse_renewal_years(years)
        product = tracker.get_slot("renewal_product")
        # The form checked the serial, but the order is what counts: the service checks it again.
        order = serial and years and await services.renewal_orders.place_order(email, serial, years, product)
        if not order:
            dispatcher.utter_message(response="utter_serial_not_yours", serial=typed)
            return reset
        dispatcher.utter_message(
            response="utter_renewal_applied",
            order_id=order.order_id,
            serial=order.serial,
            serial_masked=mask_identifiers(order.serial),
            years=order.years,
            first=japanese_date(order.slip_first),
            last=japanese_date(order.slip_last),
            email=email,
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
