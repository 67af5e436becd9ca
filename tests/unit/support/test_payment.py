from datetime import date

import pytest

from bot.domain.vocabulary import CONVENIENCE_STORE, POST_OFFICE
from bot.support.payment import PaymentState, payment_status

WAITING, OVERDUE, FUTURE = PaymentState.WAITING, PaymentState.OVERDUE, PaymentState.FUTURE_DATE


@pytest.mark.parametrize(
    "channel, paid_on, today, state",
    [
        (CONVENIENCE_STORE, date(2026, 11, 17), date(2026, 11, 17), WAITING),  # same day
        (CONVENIENCE_STORE, date(2026, 11, 17), date(2026, 11, 21), WAITING),
        (CONVENIENCE_STORE, date(2026, 11, 17), date(2026, 11, 22), WAITING),  # day 5
        (CONVENIENCE_STORE, date(2026, 11, 17), date(2026, 11, 23), OVERDUE),
        (POST_OFFICE, date(2026, 11, 12), date(2026, 11, 12), WAITING),
        (POST_OFFICE, date(2026, 11, 12), date(2026, 11, 21), WAITING),
        (POST_OFFICE, date(2026, 11, 12), date(2026, 11, 22), WAITING),  # day 10
        (POST_OFFICE, date(2026, 11, 12), date(2026, 11, 23), OVERDUE),
        (CONVENIENCE_STORE, date(2026, 11, 23), date(2026, 11, 22), FUTURE),
        (POST_OFFICE, date(2026, 11, 23), date(2026, 11, 22), FUTURE),
    ],
)
def test_payment_state(channel, paid_on, today, state):
    assert payment_status(channel, paid_on, today).state is state


@pytest.mark.parametrize(
    "channel, paid_on, earliest, expected_by",
    [
        (CONVENIENCE_STORE, date(2026, 11, 17), date(2026, 11, 17), date(2026, 11, 22)),
        (POST_OFFICE, date(2026, 11, 12), date(2026, 11, 13), date(2026, 11, 22)),
        (POST_OFFICE, date(2026, 12, 28), date(2026, 12, 29), date(2027, 1, 7)),
        (CONVENIENCE_STORE, date(2028, 2, 25), date(2028, 2, 25), date(2028, 3, 1)),
        (CONVENIENCE_STORE, date(2027, 2, 25), date(2027, 2, 25), date(2027, 3, 2)),
    ],
)
def test_confirmation_window(channel, paid_on, earliest, expected_by):
    status = payment_status(channel, paid_on, date(2030, 1, 1))
    assert (status.earliest, status.expected_by) == (earliest, expected_by)


def test_unknown_channel_is_refused():
    with pytest.raises(ValueError):
        payment_status("クレジットカード", date(2026, 11, 20), date(2026, 11, 22))


def test_status_is_frozen():
    status = payment_status(POST_OFFICE, date(2026, 11, 20), date(2026, 11, 22))
    with pytest.raises(AttributeError):
        status.state = OVERDUE
