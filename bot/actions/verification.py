"""Verification before any account or licence data is shown or changed."""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot import services
from bot.actions import settings
from bot.actions.forms import CountingFormValidation, entity_value
from bot.actions.identity import (
    email_from_token,
    stale_identity,
    token_in,
    verified_email,
    verified_slots,
)
from bot.actions.reminders import needs_no_identity
from bot.nlp.pipeline import lemmas
from bot.support.contact import cc_operation
from bot.support.renewal import parse_renewal_years_in

TASK_OF_INTENT = {
    "check_account_status": "account_status",
    "resend_password_mail": "resend_password_mail",
    "check_renewal": "check_renewal",
    "manage_cc": "manage_cc",
    "apply_renewal": "apply_renewal",
    "subscribe_reminders": "subscribe_reminders",
    "unsubscribe_reminders": "unsubscribe_reminders",
}
PROOF_ENTITIES = ("activation_code", "serial_number")


def task_details(intent: str, tracker: Tracker) -> List[Dict[Text, Any]]:
    """What the request itself already says about the task, so the bot does not ask again."""
    text = tracker.latest_message.get("text") or ""
    if intent == "manage_cc":
        address = entity_value(tracker, "email")
        return [
            SlotSet("cc_operation", cc_operation(lemmas(text), address is not None).value),
            SlotSet("cc_address", address),
        ]
    if intent == "apply_renewal":
        return [
            SlotSet("renewal_years", parse_renewal_years_in(text)),
            SlotSet("renewal_product", entity_value(tracker, "product")),
        ]
    return []


def is_locked(tracker: Tracker) -> bool:
    return (tracker.get_slot("verification_failures") or 0) >= settings.MAX_VERIFICATION_ATTEMPTS


class ActionRememberTask(Action):
    """Notes what the customer asked for, and accepts a signed identity token if the page sent one."""

    def name(self) -> Text:
        return "action_remember_task"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Dict[Text, Any]]:
        intent = tracker.latest_message["intent"]["name"]
        events = [SlotSet("task", TASK_OF_INTENT.get(intent)), *task_details(intent, tracker)]
        email = email_from_token(token_in(tracker.latest_message.get("metadata")), settings.identity_token_secret())
        if email and not verified_email(tracker):
            return [*events, *(SlotSet(slot, value) for slot, value in verified_slots(email, tracker).items())]
        # An identity verified more than a session ago is asked for again.
        return [*events, *stale_identity(tracker)]


class ValidateVerifyForm(CountingFormValidation):
    """Asks for an e-mail and a proof until they match, at most three times."""

    def name(self) -> Text:
        return "validate_verify_form"

    async def required_slots(self, domain_slots, dispatcher, tracker, domain) -> List[Text]:
        if verified_email(tracker) or is_locked(tracker) or needs_no_identity(tracker):
            return []
        return domain_slots

    async def extract_email(self, dispatcher, tracker, domain) -> Dict[str, Any]:
        value = entity_value(tracker, "email")
        # The address in 「CCに x@example.jp を追加」 is the colleague's, not the customer's.
        if value and tracker.get_intent_of_latest_message() != "manage_cc":
            return {"email": value}
        if tracker.get_slot("requested_slot") == "email" and tracker.get_intent_of_latest_message() == "inform":
            return self.format_failure(dispatcher, tracker, "utter_email_format")
        return {}

    async def extract_proof(self, dispatcher, tracker, domain) -> Dict[str, Any]:
        for entity in PROOF_ENTITIES:
            value = entity_value(tracker, entity)
            if value:
                return {"proof": value}
        if tracker.get_slot("requested_slot") == "proof" and tracker.get_intent_of_latest_message() == "inform":
            return self.format_failure(dispatcher, tracker, "utter_proof_format")
        return {}

    async def _check(self, dispatcher, tracker) -> Dict[str, Any]:
        email, proof = tracker.get_slot("email"), tracker.get_slot("proof")
        if not email or not proof or verified_email(tracker):
            return {}
        if await services.verification.proof_matches(email, proof):
            dispatcher.utter_message(response="utter_verified")
            return {**verified_slots(email, tracker), "format_failures": 0}
        failures = (tracker.get_slot("verification_failures") or 0) + 1
        if failures >= settings.MAX_VERIFICATION_ATTEMPTS:
            dispatcher.utter_message(response="utter_verification_locked")
        else:
            dispatcher.utter_message(response="utter_verification_failed")
        return {"email": None, "proof": None, "verification_failures": failures}

    async def _validate(self, slot: str, value: Any, dispatcher, tracker) -> Dict[str, Any]:
        # Both slots may arrive in one message; a failed check of the first clears both,
        # and the second must not bring its value back.
        if tracker.get_slot(slot) != value:
            return {}
        return {slot: value, **await self._check(dispatcher, tracker)}

    async def validate_email(self, value, dispatcher, tracker, domain) -> Dict[str, Any]:
        return await self._validate("email", value, dispatcher, tracker)

    async def validate_proof(self, value, dispatcher, tracker, domain) -> Dict[str, Any]:
        return await self._validate("proof", value, dispatcher, tracker)
