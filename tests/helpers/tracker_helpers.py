"""Real rasa_sdk trackers and dispatchers for action tests."""

from typing import Any, Dict, List, Optional

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.identity import identity_proof
from bot.nlp.pipeline import analyse

SENDER = "test-user"
IDENTITY_SECRET = "action-tests-identity-secret-0123456789abcdef"

DOMAIN: Dict[str, Any] = {
    "forms": {
        "verify_form": {"required_slots": ["email", "proof"]},
        "payment_form": {"required_slots": ["payment_channel", "paid_on"]},
        "signup_form": {"required_slots": ["signup_code", "signup_name", "signup_email", "signup_phone"]},
        "cc_form": {"required_slots": ["cc_address"]},
        "renewal_form": {"required_slots": ["serial_number", "renewal_years", "renewal_confirm"]},
        "handoff_form": {"required_slots": ["contact_email", "handoff_identifier", "handoff_consent"]},
    },
    "slots": {},
}


def tracker(
    text: str = "",
    intent: str = "inform",
    slots: Optional[Dict[str, Any]] = None,
    metadata: Optional[Dict[str, Any]] = None,
    active_loop: Optional[str] = None,
) -> Tracker:
    """A tracker whose latest message is `text`, with the entities our NLU finds in it."""
    entities = [{"entity": e.label, "value": e.value, "start": e.start, "end": e.end} for e in analyse(text).entities]
    message = {
        "text": text,
        "intent": {"name": intent, "confidence": 1.0},
        "intent_ranking": [{"name": intent, "confidence": 1.0}],
        "entities": entities,
        "metadata": metadata or {},
    }
    all_slots = {"verification_failures": 0, "format_failures": 0, **(slots or {})}
    return Tracker(
        SENDER, all_slots, message, [], False, None, {"name": active_loop} if active_loop else {}, "action_listen"
    )


def responses(dispatcher: CollectingDispatcher) -> List[str]:
    return [m.get("response") for m in dispatcher.messages]


def slot_values(events: List[Dict[str, Any]]) -> Dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def verified_as(email: str, sender: str = SENDER) -> Dict[str, str]:
    """The slots of a customer the action server itself verified in the conversation `sender`
    (signed with the key the action tests' conftest gives the action server)."""
    return {"verified_email": email, "identity_proof": identity_proof(email, sender, IDENTITY_SECRET)}
