"""Creating a portal account in the chat: activation code, name, e-mail and phone."""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text, Tuple

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot import services
from bot.actions.forms import CountingFormValidation, entity_value, is_answer_to
from bot.domain.identifiers import canonical_email
from bot.domain.phrasing import japanese_date
from bot.support.contact import canonical_phone, normalize_person_name

SIGNUP_SLOTS = ("signup_code", "signup_name", "signup_email", "signup_phone")


class ValidateSignupForm(CountingFormValidation):
    def name(self) -> Text:
        return "validate_signup_form"

    async def extract_signup_code(self, dispatcher, tracker, domain) -> Dict[str, Any]:
        value = entity_value(tracker, "activation_code")
        if value:
            return {"signup_code": value}
        if is_answer_to(tracker, "signup_code"):
            return self.format_failure(dispatcher, tracker, "utter_activation_code_format")
        return {}

    async def validate_signup_code(self, value, dispatcher, tracker, domain) -> Dict[str, Any]:
        code = await services.accounts.signup_code(value)
        if code is None:
            dispatcher.utter_message(response="utter_signup_code_unknown")
            return {"signup_code": None}
        if not code.open:
            dispatcher.utter_message(response="utter_signup_code_ended", contract_end=japanese_date(code.contract_end))
            return {"signup_code": None}
        return self.accepted("signup_code", code.code)

    async def extract_signup_name(self, dispatcher, tracker, domain) -> Dict[str, Any]:
        if not is_answer_to(tracker, "signup_name"):
            return {}
        name = normalize_person_name(tracker.latest_message.get("text") or "")
        if name is None:
            return self.format_failure(dispatcher, tracker, "utter_name_format")
        return {"signup_name": name}

    async def validate_signup_name(self, value, dispatcher, tracker, domain) -> Dict[str, Any]:
        return self.accepted("signup_name", value)

    async def extract_signup_email(self, dispatcher, tracker, domain) -> Dict[str, Any]:
        return self.email_answer(dispatcher, tracker, "signup_email")

    async def validate_signup_email(self, value, dispatcher, tracker, domain) -> Dict[str, Any]:
        return self.accepted("signup_email", value)

    async def extract_signup_phone(self, dispatcher, tracker, domain) -> Dict[str, Any]:
        if not is_answer_to(tracker, "signup_phone"):
            return {}
        phone = canonical_phone(tracker.latest_message.get("text") or "")
        if phone is None:
            return self.format_failure(dispatcher, tracker, "utter_phone_format")
        return {"signup_phone": phone}

    async def validate_signup_phone(self, value, dispatcher, tracker, domain) -> Dict[str, Any]:
        return self.accepted("signup_phone", value)


def _entries(code: Any, name: Any, email: Any, phone: Any) -> Optional[Tuple[str, str, str, str]]:
    """The form's answers in canonical form, or None when any is missing or malformed."""
    if not all(isinstance(value, str) for value in (code, name, email, phone)):
        return None
    person, address, number = normalize_person_name(name), canonical_email(email), canonical_phone(phone)
    if not (code and person and address and number):
        return None
    return code, person, address, number


class ActionSignUp(Action):
    def name(self) -> Text:
        return "action_sign_up"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Dict[Text, Any]]:
        entries = _entries(*(tracker.get_slot(slot) for slot in SIGNUP_SLOTS))
        if entries is None or not await services.accounts.sign_up(*entries):
            dispatcher.utter_message(response="utter_signup_not_done")
        else:
            # The same words whether the address was new or already had an account, so the
            # chat cannot be used to find out which addresses are registered.
            dispatcher.utter_message(response="utter_signup_done", email=entries[2])
        return [SlotSet(slot, None) for slot in SIGNUP_SLOTS]
