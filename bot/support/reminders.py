"""When a customer who asked for renewal reminders hears from the bot, and when not.

Pure rules, restating the renewal guide's window (bot.support.renewal) for one licence on one
day; the job that sends them (bot.runtime.reminders) decides the day from the one clock.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from enum import Enum
from typing import Optional

from bot.support.renewal import assess_renewal

# The rule: the last 30 days before the contract ends, then once after it ends.
BEFORE_END_DAYS = 30
# No push between 21:00 and 9:00 Japan time: a phone lights up for a push.
QUIET_FROM = time(21, 0)
QUIET_UNTIL = time(9, 0)
# An order applied for this close to the end, or after it, renews this term: no reminder for it.
RENEWAL_APPLIED_WITHIN_DAYS = 90


class Stage(str, Enum):
    BEFORE_END = "before_end"
    AFTER_END = "after_end"


def reminder_stage(product: str, expiry: date, today: date, renewal_applied: bool) -> Optional[Stage]:
    """Which reminder a licence is due for today, or None.

    Only while the guide allows a renewal: a licence outside its window (too early, or more
    than two years after its end for クラウド) gets nothing, nor one already being renewed.
    """
    if renewal_applied or not assess_renewal(product, expiry, today, auto_renewal=False).can_renew:
        return None
    if today > expiry:
        return Stage.AFTER_END
    if today >= expiry - timedelta(days=BEFORE_END_DAYS):
        return Stage.BEFORE_END
    return None


def renewal_applied(latest_order_applied_on: Optional[date], expiry: date) -> bool:
    """Whether the licence's latest order that was not cancelled renews the term that ends on `expiry`."""
    if latest_order_applied_on is None:
        return False
    return latest_order_applied_on >= expiry - timedelta(days=RENEWAL_APPLIED_WITHIN_DAYS)


def in_quiet_hours(moment: datetime) -> bool:
    """Whether `moment` (Japan time) falls between 21:00 and 9:00."""
    clock_time = moment.time()
    return clock_time >= QUIET_FROM or clock_time < QUIET_UNTIL


def line_push_target(sender_id: str) -> bool:
    """Whether a LINE conversation is one-to-one: user IDs start with U, groups with C, rooms with R.

    Reminders name a customer's licence, which a group must not read.
    """
    return sender_id.startswith("U")
