"""Who the customer is: a signed token from the web page, or an e-mail plus a proof that belong together.

Once verified, the identity travels in the tracker with a proof only action servers can
sign (`identity_proof`): the action server believes no tracker, so a caller that forges
one (slots saying `verified_email: someone@...`) gets nobody's data.
"""

from __future__ import annotations

import logging
import time
from typing import Any, Dict, List, Optional, Text

import jwt
from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet

from bot.actions import settings
from bot.domain.identifiers import canonical_email

logger = logging.getLogger(__name__)

# Proofs are for this one purpose: a page's identity token is never taken for one.
PROOF_AUDIENCE = "supportbot:verified-customer"
IDENTITY_SLOTS = ("verified_email", "identity_proof")


def email_from_token(token: Any, secret: Optional[str]) -> Optional[str]:
    """The e-mail a valid HS256 identity token names, else None (also for expired or forged ones)."""
    if not secret or not isinstance(token, str) or not token:
        return None
    try:
        claims = jwt.decode(token, secret, algorithms=["HS256"], options={"require": ["exp", "email"]})
    except jwt.PyJWTError:
        return None
    return canonical_email(str(claims["email"]))


def token_in(metadata: Optional[Dict[str, Any]]) -> Any:
    """The identity token a channel passed in the message metadata (web chat: customData.token)."""
    if not isinstance(metadata, dict):
        return None
    if "token" in metadata:
        return metadata["token"]
    custom = metadata.get("customData")
    return custom.get("token") if isinstance(custom, dict) else None


def identity_proof(email: str, sender_id: str, secret: str, now: Optional[float] = None) -> str:
    """A short-lived proof that `email` was verified in the conversation `sender_id`."""
    issued = int(time.time() if now is None else now)
    claims = {
        "email": email,
        "sub": sender_id,
        "aud": PROOF_AUDIENCE,
        "iat": issued,
        "exp": issued + settings.IDENTITY_PROOF_SECONDS,
    }
    return jwt.encode(claims, secret, algorithm="HS256")


def proof_holds(proof: Any, email: Any, sender_id: str, secret: str) -> bool:
    """Whether `proof` is ours, unexpired, and names this e-mail in this conversation."""
    if not isinstance(proof, str) or not proof or not isinstance(email, str):
        return False
    try:
        claims = jwt.decode(
            proof,
            secret,
            algorithms=["HS256"],
            audience=PROOF_AUDIENCE,
            options={"require": ["exp", "email", "sub", "aud"]},
        )
    except jwt.PyJWTError:
        return False
    return claims["email"] == email and claims["sub"] == sender_id


def verified_slots(email: str, tracker: Tracker) -> Dict[Text, str]:
    """The slots that make `email` the conversation's verified customer."""
    return {
        "verified_email": email,
        "identity_proof": identity_proof(email, tracker.sender_id, settings.identity_proof_secret()),
    }


def verified_email(tracker: Tracker) -> Optional[str]:
    """The conversation's verified customer, only if the action servers' own proof says so.

    A tracker that claims one without it is logged (masked) and treated as unverified.
    """
    claimed = tracker.get_slot("verified_email")
    if not claimed:
        return None
    if proof_holds(tracker.get_slot("identity_proof"), claimed, tracker.sender_id, settings.identity_proof_secret()):
        return claimed
    logger.warning(
        "Verified customer %s claimed without a valid identity proof in conversation %s: treated as unverified",
        claimed,
        tracker.sender_id,
    )
    return None


def stale_identity(tracker: Tracker) -> List[Dict[Text, Any]]:
    """Forget a claimed identity whose proof has expired (or never held), and the answers behind it."""
    if tracker.get_slot("verified_email") and verified_email(tracker) is None:
        return [SlotSet(slot, None) for slot in (*IDENTITY_SLOTS, "email", "proof")]
    return []
