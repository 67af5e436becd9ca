from datetime import datetime

import pytest

from bot.domain.clock import JST
from bot.support.business_hours import SupportHours, is_open, next_opening, parse_support_hours


def jst(*args):
    return datetime(*args, tzinfo=JST)


@pytest.mark.parametrize(
    "moment, open_",
    [
        (jst(2026, 11, 20, 8, 59), False),  # Friday, a minute before opening
        (jst(2026, 11, 20, 9, 0), True),
        (jst(2026, 11, 20, 17, 29), True),
        (jst(2026, 11, 20, 17, 30), False),  # closing time is closed
        (jst(2026, 11, 21, 12, 0), False),  # Saturday
        (jst(2026, 11, 23, 12, 0), False),  # 勤労感謝の日, a Monday
        (jst(2026, 11, 24, 12, 0), True),
        (datetime.fromisoformat("2026-11-24T03:00:00+00:00"), True),  # 12:00 in Japan
    ],
)
def test_default_hours(moment, open_):
    assert is_open(moment) is open_


@pytest.mark.parametrize(
    "moment, opening",
    [
        (jst(2026, 11, 24, 10, 0), jst(2026, 11, 24, 10, 0)),  # open now
        (jst(2026, 11, 24, 7, 0), jst(2026, 11, 24, 9, 0)),  # later today
        (jst(2026, 11, 20, 18, 0), jst(2026, 11, 24, 9, 0)),  # Friday evening → after the weekend and the holiday
        (jst(2026, 11, 22, 12, 0), jst(2026, 11, 24, 9, 0)),  # Sunday 2026-11-22, the demo day
        (jst(2027, 5, 1, 12, 0), jst(2027, 5, 6, 9, 0)),  # Golden Week
    ],
)
def test_next_opening(moment, opening):
    assert next_opening(moment) == opening


def test_operator_hours():
    hours = parse_support_hours("10:00-18:00")
    assert hours == SupportHours(datetime(2000, 1, 1, 10).time(), datetime(2000, 1, 1, 18).time())
    assert is_open(jst(2026, 11, 24, 17, 45), hours)
    assert parse_support_hours(None) == SupportHours()


@pytest.mark.parametrize("text", ["9-17", "18:00-09:00", "25:00-26:00", "nine to five"])
def test_bad_operator_hours_are_refused(text):
    with pytest.raises(ValueError):
        parse_support_hours(text)
