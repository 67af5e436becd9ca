"""Operator settings of the action server, read from the environment."""

from __future__ import annotations

import os
from typing import Optional

from bot.support.account import DEFAULT_GRACE_DAYS
from bot.support.business_hours import SupportHours, parse_support_hours

# After this many failed verifications in one conversation the bot stops asking.
MAX_VERIFICATION_ATTEMPTS = 3
# After this many badly formatted inputs for one slot the bot explains the format.
EXPLAIN_FORMAT_AFTER = 2
# A verified identity holds this long; then the customer is asked again (the length of a session).
IDENTITY_PROOF_SECONDS = 3600
# Secrets the action server cannot start without (checked by bot.actions_server at start-up).
ACTIONS_SECRET = "BOT_ACTIONS_SECRET"
IDENTITY_SECRET = "BOT_IDENTITY_SECRET"
MIN_SECRET_LENGTH = 32


def account_grace_days() -> int:
    """BOT_ACCOUNT_GRACE_DAYS: days an account keeps working after the contract ends."""
    return int(os.environ.get("BOT_ACCOUNT_GRACE_DAYS", DEFAULT_GRACE_DAYS))


def identity_token_secret() -> Optional[str]:
    """BOT_JWT_SECRET: HS256 key of the identity tokens the web page passes; unset disables them."""
    return os.environ.get("BOT_JWT_SECRET") or None


def support_hours() -> SupportHours:
    """BOT_SUPPORT_HOURS: when people answer, "HH:MM-HH:MM" on Japanese business days (default 09:00-17:30)."""
    return parse_support_hours(os.environ.get("BOT_SUPPORT_HOURS"))


def identity_proof_secret() -> str:
    """BOT_IDENTITY_SECRET: the key only action servers hold, signing the verified identity in a tracker."""
    return os.environ[IDENTITY_SECRET]


def missing_secrets() -> list:
    """Why the action server must not start: each required secret unset or too short to be one."""
    return [
        f"{name} must be set to a secret of at least {MIN_SECRET_LENGTH} characters"
        for name in (ACTIONS_SECRET, IDENTITY_SECRET)
        if len(os.environ.get(name, "")) < MIN_SECRET_LENGTH
    ]
