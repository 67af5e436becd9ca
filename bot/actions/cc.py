"""The verified customer's default CC addresses: list, add, remove."""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Sequence, Text

from rasa_sdk.events import FollowupAction
from rasa_sdk.executor import CollectingDispatcher

from bot import services
from bot.actions.forms import CountingFormValidation
from bot.domain.identifiers import canonical_email
from bot.support.contact import CcError, CcOperation

_RESPONSE_OF_ERROR = {
    CcError.INVALID_EMAIL: "utter_email_format",
    CcError.OWN_ADDRESS: "utter_cc_own_address",
    CcError.DUPLICATE: "utter_cc_duplicate",
    CcError.TOO_MANY: "utter_cc_too_many",
    CcError.NOT_IN_LIST: "utter_cc_not_in_list",
}


class ValidateCcForm(CountingFormValidation):
    """Asks for the address to add or remove when the request did not name one."""

    def name(self) -> Text:
        return "validate_cc_form"

    async def extract_cc_address(self, dispatcher, tracker, domain) -> Dict[str, Any]:
        return self.email_answer(dispatcher, tracker, "cc_address")

    async def validate_cc_address(self, value, dispatcher, tracker, domain) -> Dict[str, Any]:
        return self.accepted("cc_address", value)


def _listing(addresses: Sequence[str]) -> str:
    return "\n".join(f"・{address}" for address in addresses)


async def manage_cc(
    dispatcher: CollectingDispatcher, email: str, operation_name: Optional[str], address: Optional[str]
) -> List[Dict[Text, Any]]:
    """Carry out the CC request; without the address to change, the form asks for it first."""
    operation = CcOperation(operation_name or CcOperation.LIST.value)
    if operation is CcOperation.LIST:
        addresses = await services.cc_addresses.current(email)
        if addresses:
            dispatcher.utter_message(response="utter_cc_list", addresses=_listing(addresses))
        else:
            dispatcher.utter_message(response="utter_cc_empty")
        return []
    if not address:
        return [FollowupAction("cc_form")]
    change = await services.cc_addresses.change(email, operation, address)
    if change.error is not None:
        dispatcher.utter_message(response=_RESPONSE_OF_ERROR[change.error], address=address)
        return []
    if operation is CcOperation.REMOVE and not change.addresses:
        dispatcher.utter_message(response="utter_cc_removed_last", address=canonical_email(address))
        return []
    response = "utter_cc_added" if operation is CcOperation.ADD else "utter_cc_removed"
    dispatcher.utter_message(response=response, address=canonical_email(address), addresses=_listing(change.addresses))
    return []
