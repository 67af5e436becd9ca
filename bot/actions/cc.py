"""The verified customer's default CC addresses: list, add, remove."""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Sequence, Text

from rasa_sdk.events import FollowupAction
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.orm import Session

from bot.actions.forms import CountingFormValidation
from bot.domain.identifiers import canonical_email
from bot.store import repository
from bot.store.db import in_session
from bot.support.contact import CcError, CcOperation, add_cc, remove_cc

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


def _change(session: Session, email: str, operation: CcOperation, address: str):
    current = repository.cc_addresses(session, email) or ()
    if operation is CcOperation.ADD:
        wanted, error = add_cc(current, address, email)
    else:
        wanted, error = remove_cc(current, address)
    if error is None:
        wanted = list(repository.set_cc_addresses(session, email, wanted))
    return wanted, error


async def manage_cc(
    dispatcher: CollectingDispatcher, email: str, operation_name: Optional[str], address: Optional[str]
) -> List[Dict[Text, Any]]:
    """Carry out the CC request; without the address to change, the form asks for it first."""
    operation = CcOperation(operation_name or CcOperation.LIST.value)
    if operation is CcOperation.LIST:
        addresses = await in_session(lambda session: repository.cc_addresses(session, email)) or ()
        if addresses:
            dispatcher.utter_message(response="utter_cc_list", addresses=_listing(addresses))
        else:
            dispatcher.utter_message(response="utter_cc_empty")
        return []
    if not address:
        return [FollowupAction("cc_form")]
    addresses, error = await in_session(lambda session: _change(session, email, operation, address))
    if error is not None:
        dispatcher.utter_message(response=_RESPONSE_OF_ERROR[error], address=address)
        return []
    response = "utter_cc_added" if operation is CcOperation.ADD else "utter_cc_removed"
    listing = _listing(addresses) if addresses else "(なし)"
    dispatcher.utter_message(response=response, address=canonical_email(address), addresses=listing)
    return []
