"""The one check of a shared secret sent as `Authorization: Bearer …` (action server, /metrics)."""

from __future__ import annotations

import hmac
from typing import Optional


def bearer_matches(authorization: Optional[str], secret: str) -> bool:
    """Whether the Authorization header carries the secret (constant time, whatever it holds)."""
    scheme, _, given = (authorization or "").partition(" ")
    return hmac.compare_digest(given.strip().encode(), secret.encode()) and scheme.lower() == "bearer"
