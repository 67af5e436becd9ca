"""The agent inbox's settings: who may sign in, who supervises, and its key to Rasa's HTTP API."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, FrozenSet, Optional

from bot.handoff.agents import parse_agent_tokens, parse_supervisors
from bot.settings.reading import FromEnv, Reader


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
        agents = reader.parsed("BOT_AGENT_TOKENS", parse_agent_tokens, {})

        def supervisors(text: str) -> frozenset:
            return parse_supervisors(text, agents.keys())

        return cls(
            agents=agents,
            supervisors=reader.parsed("BOT_SUPERVISORS", supervisors, frozenset()),
            rasa_api_token=reader.secret("RASA_API_TOKEN"),
        )
