"""Whether a ビジネスサポートポータル account works, from the contract behind it.

The FAQ says accounts are valid while the product contract is, 「ただし、期限切れから
しばらくはアカウントが引き続き使用可能です」 without saying how long: that grace period
is the operator's to set, so it is a parameter with a default rather than a rule here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import Enum

DEFAULT_GRACE_DAYS = 30


class AccountState(str, Enum):
    VALID = "VALID"
    GRACE = "GRACE"
    EXPIRED = "EXPIRED"


@dataclass(frozen=True)
class AccountStatus:
    state: AccountState
    # The last day the account can be used without a renewal, whatever the state, so the
    # bot can say "until ..." during the grace period and "since ..." once it has expired.
    last_usable: date


def account_status(contract_end: date, today: date, grace_days: int = DEFAULT_GRACE_DAYS) -> AccountStatus:
    """The account's state on `today` for a contract whose last day is `contract_end`."""
    if grace_days < 0:
        raise ValueError(f"grace_days must not be negative: {grace_days}")
    last_usable = contract_end + timedelta(days=grace_days)
    if today <= contract_end:
        state = AccountState.VALID
    elif today <= last_usable:
        state = AccountState.GRACE
    else:
        state = AccountState.EXPIRED
    return AccountStatus(state=state, last_usable=last_usable)


def can_sign_up(contract_end: date, today: date) -> bool:
    """Whether an activation code can still create an account; the grace period does not extend this."""
    return today <= contract_end
