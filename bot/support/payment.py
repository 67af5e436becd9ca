"""When a payment-slip payment should show up as received.

The renewal guide's table 「入金確認までの期間」 gives a window per channel; once it has
passed without the licence being extended, the customer should contact support rather
than keep waiting. `today` is a parameter so the answer can be checked for any day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import Enum
from typing import Tuple

from bot.domain.vocabulary import CONVENIENCE_STORE, POST_OFFICE

# 振込用紙(コンビニエンスストア) 当日 ~ 5 日程度 / 振込用紙(郵便局) 翌日 ~ 10 日程度
_CONFIRMATION_DAYS = {
    CONVENIENCE_STORE: (0, 5),
    POST_OFFICE: (1, 10),
}


class PaymentState(str, Enum):
    WAITING = "WAITING"
    OVERDUE = "OVERDUE"
    # The customer gave a payment day after today: a typo or a misparse, not a payment to wait for.
    FUTURE_DATE = "FUTURE_DATE"


@dataclass(frozen=True)
class PaymentStatus:
    state: PaymentState
    earliest: date
    expected_by: date


def confirmation_window(channel: str, paid_on: date) -> Tuple[date, date]:
    """First and last day (inclusive) the payment is normally confirmed."""
    if channel not in _CONFIRMATION_DAYS:
        raise ValueError(f"not a payment-slip channel: {channel!r}")
    first, last = _CONFIRMATION_DAYS[channel]
    return paid_on + timedelta(days=first), paid_on + timedelta(days=last)


def payment_status(channel: str, paid_on: date, today: date) -> PaymentStatus:
    """Whether a payment made through `channel` on `paid_on` is still within its confirmation window."""
    earliest, expected_by = confirmation_window(channel, paid_on)
    if paid_on > today:
        state = PaymentState.FUTURE_DATE
    elif today <= expected_by:
        state = PaymentState.WAITING
    else:
        state = PaymentState.OVERDUE
    return PaymentStatus(state=state, earliest=earliest, expected_by=expected_by)
