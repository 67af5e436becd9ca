"""When a renewal reminder is due: the last 30 days before the end, once after it, only while renewable."""

from datetime import date, datetime

import pytest

from bot.domain.clock import JST
from bot.domain.vocabulary import CLOUD, TOTAL_SECURITY
from bot.support.reminders import Stage, in_quiet_hours, line_push_target, reminder_stage, renewal_applied

EXPIRY = date(2027, 1, 15)


@pytest.mark.parametrize(
    "today, stage",
    [
        (date(2026, 12, 15), None),  # 31 days before: not yet
        (date(2026, 12, 16), Stage.BEFORE_END),  # 30 days before
        (date(2027, 1, 15), Stage.BEFORE_END),  # the last valid day
        (date(2027, 1, 16), Stage.AFTER_END),  # ended, still renewable
        (date(2029, 1, 15), Stage.AFTER_END),  # the last day the guide allows a renewal
        (date(2029, 1, 16), None),  # more than two years after: too late, nothing to offer
    ],
)
def test_a_cloud_licence_is_reminded_before_and_after_its_end_within_the_renewal_window(today, stage):
    assert reminder_stage(CLOUD, EXPIRY, today, renewal_applied=False) is stage


def test_total_security_has_no_time_limit_so_it_is_reminded_after_its_end_years_later_too():
    assert reminder_stage(TOTAL_SECURITY, EXPIRY, date(2032, 1, 1), renewal_applied=False) is Stage.AFTER_END


def test_a_licence_whose_renewal_is_applied_for_gets_no_reminder():
    assert reminder_stage(CLOUD, EXPIRY, date(2027, 1, 1), renewal_applied=True) is None


@pytest.mark.parametrize(
    "applied_on, applied",
    [
        (None, False),
        (date(2026, 10, 16), False),  # 91 days before the end: an order of the term before
        (date(2026, 10, 17), True),  # 90 days before
        (date(2027, 3, 1), True),  # after the end
    ],
)
def test_an_order_counts_for_this_term_from_90_days_before_its_end(applied_on, applied):
    assert renewal_applied(applied_on, EXPIRY) is applied


@pytest.mark.parametrize(
    "hour, minute, quiet",
    [
        (8, 59, True),
        (9, 0, False),
        (12, 0, False),
        (20, 59, False),
        (21, 0, True),
        (0, 0, True),
    ],
)
def test_quiet_hours_are_21_to_9_japan_time(hour, minute, quiet):
    assert in_quiet_hours(datetime(2026, 12, 7, hour, minute, tzinfo=JST)) is quiet


def test_only_one_to_one_line_chats_get_pushes():
    assert line_push_target("U" + "0" * 32)
    assert not line_push_target("C" + "0" * 32)  # a group
    assert not line_push_target("R" + "0" * 32)  # a room
