"""The Rasa server's own settings and those of what stands between a message and Rasa (bot.runtime.guards)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from bot.settings.reading import FromEnv, Reader
from bot.support.messages import DEFAULT_MAX_CHARS, DEFAULT_PER_MINUTE

DEFAULT_ACTION_TIMEOUT = 2.5
# 32 conversations at once on one server (bench.speed, 2 cores): at 8, 1 and 3 of 1,280 turns ran
# out of the actions' budget (p95 2.1-2.2 s); at 4 none (p95 1.9 s), at 2 none (p95 1.8 s), each at
# the same 21-23 messages a second. 4 leaves twice 2's room while an action server hangs.
DEFAULT_CONCURRENT_MESSAGES = 4


@dataclass(frozen=True)
class RasaSettings(FromEnv):
    # Unset: Rasa's HTTP API stays off and only the channels answer.
    api_token: Optional[str] = None

    @classmethod
    def read(cls, reader: Reader) -> "RasaSettings":
        # Checked only: Rasa reads them itself (endpoints.yml, its telemetry).
        reader.http_url("ACTION_ENDPOINT_URL")
        reader.parsed("RASA_TELEMETRY_ENABLED", _true_or_false, None)
        return cls(api_token=reader.secret("RASA_API_TOKEN"))


def _true_or_false(text: str) -> str:
    # Rasa takes anything but "true" as off, so a misspelt value would pass unnoticed.
    if text.lower() not in ("true", "false"):
        raise ValueError(f"expected true or false, got {text!r}")
    return text


@dataclass(frozen=True)
class GuardSettings(FromEnv):
    # Longer messages are refused politely and not stored.
    max_message_chars: int = DEFAULT_MAX_CHARS
    # Messages one sender may send a minute.
    messages_per_minute: int = DEFAULT_PER_MINUTE
    # How long one message may take, from when Rasa begins on it (its conversation's lock held) to
    # the end of its custom actions: the customer hears something within 3 seconds.
    action_timeout: float = DEFAULT_ACTION_TIMEOUT
    # Messages one Rasa process works on at once; the rest wait their turn before the budget starts.
    concurrent_messages: int = DEFAULT_CONCURRENT_MESSAGES

    @classmethod
    def read(cls, reader: Reader) -> "GuardSettings":
        return cls(
            max_message_chars=reader.integer("BOT_MAX_MESSAGE_CHARS", cls.max_message_chars),
            messages_per_minute=reader.integer("BOT_RATE_LIMIT_PER_MINUTE", cls.messages_per_minute),
            action_timeout=reader.seconds("BOT_ACTION_TIMEOUT_SECONDS", cls.action_timeout),
            concurrent_messages=reader.integer("BOT_MAX_CONCURRENT_MESSAGES", cls.concurrent_messages),
        )
