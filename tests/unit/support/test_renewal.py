from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.vocabulary import (
    CLOUD,
    CLOUD_DLS,
    TOTAL_SECURITY,
    TOTAL_SECURITY_PREMIUM,
    TOTAL_SECURITY_STANDARD,
)
from bot.support.renewal import (
    RenewalReason,
    SlipApplicationBlock,
    assess_renewal,
    parse_renewal_years,
    parse_renewal_years_in,
    renewal_window,
    slip_application_block,
    slip_arrival,
)

DEMO_TODAY = date(2026, 11, 22)
OK, TOO_EARLY, TOO_LATE = RenewalReason.OK, RenewalReason.TOO_EARLY, RenewalReason.TOO_LATE


@pytest.mark.parametrize(
    "product, expiry, can_renew, reason, visible",
    [
        (CLOUD, date(2027, 1, 15), True, OK, True),
        (CLOUD, date(2025, 8, 31), True, OK, False),
        (CLOUD, date(2024, 6, 30), False, TOO_LATE, False),
        (TOTAL_SECURITY_PREMIUM, date(2022, 4, 30), True, OK, False),
        (CLOUD, date(2030, 12, 31), False, TOO_EARLY, True),
    ],
)
def test_demo_licences(product, expiry, can_renew, reason, visible):
    result = assess_renewal(product, expiry, DEMO_TODAY, auto_renewal=False)
    assert (result.can_renew, result.reason, result.visible_in_account) == (can_renew, reason, visible)


def test_demo_licence_too_early_says_when_the_window_opens():
    result = assess_renewal(CLOUD, date(2030, 12, 31), DEMO_TODAY, auto_renewal=False)
    assert result.window_start == date(2027, 9, 30)


@pytest.mark.parametrize("product", [CLOUD, CLOUD_DLS])
@pytest.mark.parametrize(
    "today, reason",
    [
        (date(2023, 10, 30), TOO_EARLY),  # the day before 39 months before 2027-01-31
        (date(2023, 10, 31), OK),
        (date(2023, 11, 1), OK),
        (date(2029, 1, 30), OK),
        (date(2029, 1, 31), OK),  # two years after
        (date(2029, 2, 1), TOO_LATE),
    ],
)
def test_cloud_window_boundaries(product, today, reason):
    result = assess_renewal(product, date(2027, 1, 31), today, auto_renewal=False)
    assert result.reason is reason
    assert result.can_renew is (reason is OK)


@pytest.mark.parametrize(
    "expiry, start, end",
    [
        (date(2027, 1, 31), date(2023, 10, 31), date(2029, 1, 31)),
        (date(2030, 12, 31), date(2027, 9, 30), date(2032, 12, 31)),  # 31 September does not exist
        (date(2027, 5, 31), date(2024, 2, 29), date(2029, 5, 31)),  # lands on a leap day
        (date(2028, 5, 31), date(2025, 2, 28), date(2030, 5, 31)),
        (date(2024, 2, 29), date(2020, 11, 29), date(2026, 2, 28)),  # no 29 February in 2026
    ],
)
def test_window_at_month_ends_and_leap_days(expiry, start, end):
    assert renewal_window(CLOUD, expiry) == (start, end)
    result = assess_renewal(CLOUD, expiry, start, auto_renewal=False)
    assert (result.window_start, result.window_end) == (start, end)


@pytest.mark.parametrize("product", [TOTAL_SECURITY, TOTAL_SECURITY_STANDARD, TOTAL_SECURITY_PREMIUM])
@pytest.mark.parametrize("today", [date(2000, 1, 1), date(2026, 11, 22), date(2099, 12, 31)])
def test_total_security_has_no_window(product, today):
    result = assess_renewal(product, date(2026, 11, 22), today, auto_renewal=False)
    assert result.can_renew and result.reason is OK
    assert result.window_start is None and result.window_end is None


def test_unknown_product_is_refused():
    with pytest.raises(ValueError):
        assess_renewal("ウイルスバスター モバイル", date(2026, 1, 1), DEMO_TODAY, auto_renewal=False)


@pytest.mark.parametrize(
    "expiry, today, visible",
    [
        (date(2025, 8, 31), date(2026, 8, 30), True),
        (date(2025, 8, 31), date(2026, 8, 31), True),  # one year after: still listed
        (date(2025, 8, 31), date(2026, 9, 1), False),
        (date(2024, 2, 29), date(2025, 2, 28), True),
        (date(2024, 2, 29), date(2025, 3, 1), False),
        (date(2027, 1, 15), date(2026, 11, 22), True),
    ],
)
@pytest.mark.parametrize("product", [CLOUD, TOTAL_SECURITY_PREMIUM])
def test_visibility_in_account_ends_one_year_after_expiry(product, expiry, today, visible):
    assert assess_renewal(product, expiry, today, auto_renewal=False).visible_in_account is visible


@pytest.mark.parametrize(
    "today, expired",
    [(date(2026, 11, 21), False), (date(2026, 11, 22), False), (date(2026, 11, 23), True)],
)
def test_the_expiry_date_is_the_last_valid_day(today, expired):
    assert assess_renewal(CLOUD, date(2026, 11, 22), today, auto_renewal=False).expired is expired


def test_year_choices_are_one_to_three():
    assert assess_renewal(CLOUD, date(2027, 1, 15), DEMO_TODAY, auto_renewal=False).year_choices == (1, 2, 3)


@pytest.mark.parametrize(
    "product, auto_renewal, targets, credit_card_only, cancel_first",
    [
        (CLOUD, False, (TOTAL_SECURITY_STANDARD, TOTAL_SECURITY_PREMIUM), True, False),
        (CLOUD, True, (TOTAL_SECURITY_STANDARD, TOTAL_SECURITY_PREMIUM), True, True),
        (CLOUD_DLS, True, (TOTAL_SECURITY_PREMIUM,), True, True),
        (CLOUD_DLS, False, (TOTAL_SECURITY_PREMIUM,), True, False),
        (TOTAL_SECURITY_PREMIUM, True, (), False, False),
        (TOTAL_SECURITY, False, (), False, False),
    ],
)
def test_upgrade_constraints(product, auto_renewal, targets, credit_card_only, cancel_first):
    result = assess_renewal(product, date(2027, 1, 15), DEMO_TODAY, auto_renewal=auto_renewal)
    assert result.upgrade_targets == targets
    assert result.upgrade_credit_card_only is credit_card_only
    assert result.upgrade_requires_auto_renewal_cancelled is cancel_first


def test_assessment_is_frozen():
    result = assess_renewal(CLOUD, date(2027, 1, 15), DEMO_TODAY, auto_renewal=False)
    with pytest.raises(AttributeError):
        result.can_renew = False


@pytest.mark.parametrize(
    "value, years",
    [
        (1, 1),
        (3, 3),
        (0, None),
        (4, None),
        (-1, None),
        (True, None),
        (2.0, None),
        (None, None),
        ("２年", 2),
        ("3年間", 3),
        ("三年", 3),
        ("一年間", 1),
        ("1", 1),
        (" ２ 年 ", 2),
        ("4年", None),
        ("0年", None),
        ("四年", None),
        ("二十年", None),
        ("12年", None),
        ("1.5年", None),
        ("年", None),
        ("", None),
        ("2年以上", None),
        ("２か月", None),
    ],
)
def test_parse_renewal_years(value, years):
    assert parse_renewal_years(value) == years


@settings(database=None)
@given(st.one_of(st.text(), st.integers(), st.none(), st.floats()))
def test_parse_renewal_years_never_raises_and_stays_in_range(value):
    assert parse_renewal_years(value) in (None, 1, 2, 3)


@settings(database=None)
@given(
    st.sampled_from([1, 2, 3]),
    st.sampled_from(["{}", "{}年", "{}年間"]),
    st.booleans(),
)
def test_parse_renewal_years_reads_half_and_full_width(years, template, full_width):
    text = template.format(years)
    if full_width:
        text = text.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    assert parse_renewal_years(text) == years


@pytest.mark.parametrize(
    "applied_on, earliest, latest",
    [
        (date(2026, 11, 22), date(2026, 11, 29), date(2026, 12, 6)),
        (date(2026, 12, 28), date(2027, 1, 4), date(2027, 1, 11)),
        (date(2028, 2, 20), date(2028, 2, 27), date(2028, 3, 5)),
    ],
)
def test_slip_arrives_one_to_two_weeks_after_applying(applied_on, earliest, latest):
    assert slip_arrival(applied_on) == (earliest, latest)


@pytest.mark.parametrize(
    "text, years",
    [
        ("VBCL-4821-7730-1956-2204 を２年で更新を申し込みます", 2),
        ("3年更新でお願いします", 3),
        ("二年間でお願いします", 2),
        ("1年分", 1),
        ("2", 2),
        ("5年で", None),  # not a choice
        ("1年か2年で迷っています", None),  # two answers are no answer
        ("2026年11月に期限が切れます", None),  # a year of the calendar
        ("1年前に買いました", None),  # a time, not a term
        ("更新を申し込みます", None),
    ],
)
def test_years_in_a_sentence(text, years):
    assert parse_renewal_years_in(text) == years


@settings(database=None)
@given(st.text())
def test_years_in_a_sentence_never_raises_and_stays_in_range(text):
    assert parse_renewal_years_in(text) in (None, 1, 2, 3)


@pytest.mark.parametrize(
    "product, expiry, auto, wanted, pending, block",
    [
        (CLOUD, date(2027, 1, 15), False, None, False, None),
        (CLOUD, date(2027, 1, 15), False, CLOUD, False, None),
        (CLOUD, date(2027, 1, 15), False, None, True, SlipApplicationBlock.ORDER_PENDING),
        (CLOUD, date(2024, 6, 30), False, None, False, SlipApplicationBlock.NOT_RENEWABLE),  # too late
        (CLOUD, date(2030, 12, 31), False, None, False, SlipApplicationBlock.NOT_RENEWABLE),  # too early
        (CLOUD, date(2027, 1, 15), False, TOTAL_SECURITY, False, SlipApplicationBlock.UPGRADE_NEEDS_CARD),
        (CLOUD_DLS, date(2026, 12, 20), True, TOTAL_SECURITY_PREMIUM, False, SlipApplicationBlock.UPGRADE_NEEDS_CARD),
        # トータルセキュリティ renewed as トータルセキュリティ is no upgrade.
        (TOTAL_SECURITY_PREMIUM, date(2022, 4, 30), False, TOTAL_SECURITY, False, None),
    ],
)
def test_slip_application_block(product, expiry, auto, wanted, pending, block):
    assessment = assess_renewal(product, expiry, DEMO_TODAY, auto)
    assert slip_application_block(assessment, wanted, pending) == block
