"""LINE's webhook signature: base64 of the HMAC-SHA256 of the raw body, keyed with the channel secret."""

from __future__ import annotations

import base64
import hashlib
import hmac
from typing import Optional

SIGNATURE_HEADER = "X-Line-Signature"


def signature_is_valid(channel_secret: str, body: bytes, signature: Optional[str]) -> bool:
    """True only for a signature LINE made over exactly these bytes.

    Computed over the raw body, before any parsing: a re-serialised JSON would not match
    byte for byte. compare_digest keeps the comparison time independent of where it differs.
    """
    if not channel_secret or not signature:
        return False
    digest = hmac.new(channel_secret.encode("utf-8"), body, hashlib.sha256).digest()
    return hmac.compare_digest(base64.b64encode(digest), signature.encode("utf-8", "replace"))
