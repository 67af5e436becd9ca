"""The action server's settings: the key of its door and what the custom actions need."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from bot.settings.reading import FromEnv, Reader
from bot.support.account import DEFAULT_GRACE_DAYS
from bot.support.business_hours import SupportHours, parse_support_hours

ACTIONS_SECRET = "BOT_ACTIONS_SECRET"
IDENTITY_SECRET = "BOT_IDENTITY_SECRET"
MIN_SECRET_LENGTH = 32


@dataclass(frozen=True)
class ActionServerSettings(FromEnv):
    # The key Rasa sends on every call; the server does not start without it.
    secret: str

    @classmethod
    def read(cls, reader: Reader) -> "ActionServerSettings":
        return cls(secret=_required_secret(reader, ACTIONS_SECRET))


@dataclass(frozen=True)
class ActionsSettings(FromEnv):
    # The key only action servers hold, signing the verified identity in a tracker.
    identity_secret: str
    # HS256 key of the identity tokens the web page passes; unset disables them.
    jwt_secret: Optional[str] = None
    # Days an account keeps working after the contract ends.
    account_grace_days: int = DEFAULT_GRACE_DAYS
    # When people answer, on Japanese business days.
    support_hours: SupportHours = SupportHours()

    @classmethod
    def read(cls, reader: Reader) -> "ActionsSettings":
        return cls(
            identity_secret=_required_secret(reader, IDENTITY_SECRET),
            jwt_secret=reader.secret("BOT_JWT_SECRET"),
            account_grace_days=reader.integer("BOT_ACCOUNT_GRACE_DAYS", cls.account_grace_days, minimum=0),
            support_hours=reader.parsed("BOT_SUPPORT_HOURS", parse_support_hours, cls.support_hours),
        )


def _required_secret(reader: Reader, name: str) -> str:
    secret = reader.secret(name, MIN_SECRET_LENGTH)
    if secret is None and not reader.text(name):
        reader.problem(name, f"expected a secret of at least {MIN_SECRET_LENGTH} characters, got nothing")
    return secret or ""
