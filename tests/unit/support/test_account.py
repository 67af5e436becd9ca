from datetime import date

import pytest

from bot.support.account import DEFAULT_GRACE_DAYS, AccountState, account_status, can_sign_up

CONTRACT_END = date(2026, 10, 31)


@pytest.mark.parametrize(
    "today, grace_days, state, last_usable",
    [
        (date(2026, 10, 30), 30, AccountState.VALID, date(2026, 11, 30)),
        (date(2026, 10, 31), 30, AccountState.VALID, date(2026, 11, 30)),
        (date(2026, 11, 1), 30, AccountState.GRACE, date(2026, 11, 30)),
        (date(2026, 11, 30), 30, AccountState.GRACE, date(2026, 11, 30)),  # grace end
        (date(2026, 12, 1), 30, AccountState.EXPIRED, date(2026, 11, 30)),
        (date(2026, 11, 7), 7, AccountState.GRACE, date(2026, 11, 7)),
        (date(2026, 11, 8), 7, AccountState.EXPIRED, date(2026, 11, 7)),
        (date(2026, 10, 31), 0, AccountState.VALID, date(2026, 10, 31)),
        (date(2026, 11, 1), 0, AccountState.EXPIRED, date(2026, 10, 31)),
    ],
)
def test_account_status(today, grace_days, state, last_usable):
    status = account_status(CONTRACT_END, today, grace_days)
    assert (status.state, status.last_usable) == (state, last_usable)


def test_default_grace_period_is_thirty_days():
    assert DEFAULT_GRACE_DAYS == 30
    assert account_status(date(2028, 1, 31), date(2028, 3, 1)).state is AccountState.GRACE
    assert account_status(date(2028, 1, 31), date(2028, 3, 2)).state is AccountState.EXPIRED


def test_negative_grace_is_refused():
    with pytest.raises(ValueError):
        account_status(CONTRACT_END, CONTRACT_END, -1)


@pytest.mark.parametrize(
    "today, allowed",
    [(date(2026, 10, 30), True), (date(2026, 10, 31), True), (date(2026, 11, 1), False)],
)
def test_sign_up_needs_a_running_contract_even_during_grace(today, allowed):
    assert can_sign_up(CONTRACT_END, today) is allowed
