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


def account_grace_days() -> int:
    """BOT_ACCOUNT_GRACE_DAYS: days an account keeps working after the contract ends."""
    return int(os.environ.get("BOT_ACCOUNT_GRACE_DAYS", DEFAULT_GRACE_DAYS))


def identity_token_secret() -> Optional[str]:
    """BOT_JWT_SECRET: HS256 key of the identity tokens the web page passes; unset disables them."""
    return os.environ.get("BOT_JWT_SECRET") or None


def support_hours() -> SupportHours:
    """BOT_SUPPORT_HOURS: when people answer, "HH:MM-HH:MM" on Japanese business days (default 09:00-17:30)."""
    return parse_support_hours(os.environ.get("BOT_SUPPORT_HOURS"))
