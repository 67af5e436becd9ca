"""Who is calling the agent inbox: the agent whose token (BOT_AGENT_TOKENS, read by
bot.settings.inbox) the request presents. The name is what tickets record as the agent who
claimed or closed them.
"""

from __future__ import annotations

import hmac
from typing import Mapping, Optional


def agent_of(authorization: Optional[str], agents: Mapping[str, str]) -> Optional[str]:
    """The agent an `Authorization: Bearer <token>` header belongs to, or None.

    Every token is compared, in constant time, so the answer time does not tell how
    much of a guess was right or which agent it came close to.
    """
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not token:
        return None
    found = None
    for name, expected in agents.items():
        if hmac.compare_digest(token.strip().encode(), expected.encode()):
            found = name
    return found
