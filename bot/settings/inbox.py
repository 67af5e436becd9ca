"""The agent inbox's settings: who may sign in, who supervises, and its key to Rasa's HTTP API.

BOT_AGENT_TOKENS holds `name=token` pairs separated by commas (`suzuki=…,tanaka=…`);
BOT_SUPERVISORS names the agents (`suzuki,…`) who may also read the analytics.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import AbstractSet, Dict, FrozenSet, Optional

from bot.settings.reading import FromEnv, Reader

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
            raise ValueError(
                "expected name=token,name=token (names: letters, digits, _.@-), "
                "got something else (the value is not shown: it holds tokens)"
            )
        if len(token) < MIN_TOKEN_LENGTH:
            raise ValueError(
                f"expected tokens of at least {MIN_TOKEN_LENGTH} characters, got a shorter one for {name!r}"
            )
        if name in agents:
            raise ValueError(f"expected each agent once, got {name!r} twice")
        agents[name] = token
    return agents


def parse_supervisors(text: Optional[str], agents: AbstractSet[str]) -> frozenset:
    """`name,…` → the agents with the supervisor role; unset means nobody. Unknown names are operator errors."""
    names = [name.strip() for name in (text or "").split(",") if name.strip()]
    unknown = sorted(set(names) - set(agents))
    if unknown:
        raise ValueError(f"expected names of agents, got {', '.join(map(repr, unknown))}, not in BOT_AGENT_TOKENS")
    return frozenset(names)


@dataclass(frozen=True)
class InboxSettings(FromEnv):
    # Agent name -> token; empty: the inbox refuses every API request.
    agents: Dict[str, str] = field(default_factory=dict)
    # The agents who also read the analytics and the review queue.
    supervisors: FrozenSet[str] = frozenset()
    # What the inbox presents to Rasa's HTTP API to speak as an agent.
    rasa_api_token: Optional[str] = None

    @classmethod
    def read(cls, reader: Reader) -> "InboxSettings":
        agents: Dict[str, str] = reader.parsed("BOT_AGENT_TOKENS", parse_agent_tokens, {})

        def supervisors(text: str) -> frozenset:
            return parse_supervisors(text, agents.keys())

        return cls(
            agents=agents,
            supervisors=reader.parsed("BOT_SUPERVISORS", supervisors, frozenset()),
            rasa_api_token=reader.secret("RASA_API_TOKEN"),
        )
