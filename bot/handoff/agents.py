"""Who may use the agent inbox: one secret token per agent, from BOT_AGENT_TOKENS.

The variable holds `name=token` pairs separated by commas (`suzuki=…,tanaka=…`). The
name is what tickets record as the agent who claimed or closed them. BOT_SUPERVISORS names
the agents (`suzuki,…`) who may also read the analytics.
"""

from __future__ import annotations

import hmac
import re
from typing import AbstractSet, Mapping, Optional

_NAME = re.compile(r"[A-Za-z0-9_.@-]{1,100}")
# Long enough that guessing is hopeless; the demo default is made with secrets.token_urlsafe(32).
MIN_TOKEN_LENGTH = 16


def parse_agent_tokens(text: Optional[str]) -> dict:
    """`name=token,…` → {name: token}; unset means no agent can sign in. Mistakes are operator errors."""
    agents: dict = {}
    for item in (text or "").split(","):
        if not item.strip():
            continue
        name, separator, token = item.strip().partition("=")
        if not separator or not _NAME.fullmatch(name):
            raise ValueError("expected name=token,name=token (names: letters, digits, _.@-), "
                             "got something else (the value is not shown: it holds tokens)")
        if len(token) < MIN_TOKEN_LENGTH:
            raise ValueError(f"expected tokens of at least {MIN_TOKEN_LENGTH} characters, "
                             f"got a shorter one for {name!r}")
        if name in agents:
            raise ValueError(f"expected each agent once, got {name!r} twice")
        agents[name] = token
    return agents


def parse_supervisors(text: Optional[str], agents: AbstractSet[str]) -> frozenset:
    """`name,…` → the agents with the supervisor role; unset means nobody. Unknown names are operator errors."""
    names = [name.strip() for name in (text or "").split(",") if name.strip()]
    unknown = sorted(set(names) - set(agents))
    if unknown:
        raise ValueError(f"expected names of agents, got {', '.join(map(repr, unknown))}, "
                         "not in BOT_AGENT_TOKENS")
    return frozenset(names)


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
