"""Who the customer is: a signed token from the web page, or an e-mail plus a proof that belong together."""

from __future__ import annotations

from typing import Any, Dict, Optional

import jwt
from sqlalchemy.orm import Session

from bot.store import repository
from bot.support.identifiers import canonical_activation_code, canonical_email, canonical_serial


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


def proof_matches(session: Session, email: str, proof: str) -> bool:
    """Whether `proof` (activation code or serial number) belongs to `email`.

    Unknown e-mail, unknown proof and a proof of someone else all give False alike,
    so the caller cannot tell them apart and neither can the customer.
    """
    code = canonical_activation_code(proof)
    if code:
        account = repository.find_account(session, email)
        return account is not None and account.activation_code == code
    serial = canonical_serial(proof)
    if serial:
        licence = repository.find_licence(session, serial)
        return licence is not None and licence.owner_email == email
    return False
