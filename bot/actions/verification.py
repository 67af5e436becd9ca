"""Verification before any account or licence data is shown or changed."""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.actions import settings
from bot.actions.data_access import in_session
from bot.actions.identity import email_from_token, proof_matches, token_in

TASK_OF_INTENT = {
    "check_account_status": "account_status",
    "resend_password_mail": "resend_password_mail",
    "check_renewal": "check_renewal",
}
PROOF_ENTITIES = ("activation_code", "serial_number")


def entity_value(tracker: Tracker, entity: str) -> Optional[str]:
    return next(tracker.get_latest_entity_values(entity), None)


def is_locked(tracker: Tracker) -> bool:
    return (tracker.get_slot("verification_failures") or 0) >= settings.MAX_VERIFICATION_ATTEMPTS


class ActionRememberTask(Action):
    """Notes what the customer asked for, and accepts a signed identity token if the page sent one."""

    def name(self) -> Text:
        return "action_remember_task"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[Dict[Text, Any]]:
        events = [SlotSet("task", TASK_OF_INTENT.get(tracker.latest_message["intent"]["name"]))]
        email = email_from_token(token_in(tracker.latest_message.get("metadata")), settings.identity_token_secret())
        if email and not tracker.get_slot("verified_email"):
            events.append(SlotSet("verified_email", email))
        return events


class ValidateVerifyForm(FormValidationAction):
    """Asks for an e-mail and a proof until they match, at most three times."""

    def name(self) -> Text:
        return "validate_verify_form"

    async def run(self, dispatcher, tracker, domain):
        before = tracker.get_slot("format_failures")
        events = await super().run(dispatcher, tracker, domain)
        # The SDK keeps only the form's own slots from what extract_* returns; the
        # count of badly formatted answers must survive to the next turn too.
        after = tracker.slots.get("format_failures")
        if after != before and not any(e.get("name") == "format_failures" for e in events):
            events.append(SlotSet("format_failures", after))
        return events

    async def required_slots(self, domain_slots, dispatcher, tracker, domain) -> List[Text]:
        if tracker.get_slot("verified_email") or is_locked(tracker):
            return []
        return domain_slots

    def _format_failure(self, dispatcher: CollectingDispatcher, tracker: Tracker, response: str) -> Dict[str, Any]:
        failures = (tracker.get_slot("format_failures") or 0) + 1
        if failures >= settings.EXPLAIN_FORMAT_AFTER:
            dispatcher.utter_message(response=response)
        return {"format_failures": failures}

    async def extract_email(self, dispatcher, tracker, domain) -> Dict[str, Any]:
        value = entity_value(tracker, "email")
        if value:
            return {"email": value}
        if tracker.get_slot("requested_slot") == "email" and tracker.get_intent_of_latest_message() == "inform":
            return self._format_failure(dispatcher, tracker, "utter_email_format")
        return {}

    async def extract_proof(self, dispatcher, tracker, domain) -> Dict[str, Any]:
        for entity in PROOF_ENTITIES:
            value = entity_value(tracker, entity)
            if value:
                return {"proof": value}
        if tracker.get_slot("requested_slot") == "proof" and tracker.get_intent_of_latest_message() == "inform":
            return self._format_failure(dispatcher, tracker, "utter_proof_format")
        return {}

    async def _check(self, dispatcher, tracker) -> Dict[str, Any]:
        email, proof = tracker.get_slot("email"), tracker.get_slot("proof")
        if not email or not proof or tracker.get_slot("verified_email"):
            return {}
        if await in_session(lambda session: proof_matches(session, email, proof)):
            dispatcher.utter_message(response="utter_verified")
            return {"verified_email": email, "format_failures": 0}
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
