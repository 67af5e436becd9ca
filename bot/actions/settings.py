"""Operator settings of the custom actions: what bot.settings read at the action server's start,
and the rules that are no operator's to change."""

from __future__ import annotations

from typing import Optional

from bot import settings
from bot.support.business_hours import SupportHours

# After this many failed verifications in one conversation the bot stops asking.
MAX_VERIFICATION_ATTEMPTS = 3
# After this many badly formatted inputs for one slot the bot explains the format.
EXPLAIN_FORMAT_AFTER = 2
# A verified identity holds this long; then the customer is asked again (the length of a session).
IDENTITY_PROOF_SECONDS = 3600


def account_grace_days() -> int:
    return settings.current(settings.ActionsSettings).account_grace_days


def identity_token_secret() -> Optional[str]:
    return settings.current(settings.ActionsSettings).jwt_secret


def support_hours() -> SupportHours:
    return settings.current(settings.ActionsSettings).support_hours


def identity_proof_secret() -> str:
    return settings.current(settings.ActionsSettings).identity_secret
