from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.nlp.named_days import parse_japanese_date

SUNDAY = date(2026, 11, 22)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("11月5日", date(2026, 11, 5)),
        ("11/5", date(2026, 11, 5)),
        ("１１／５", date(2026, 11, 5)),
        ("11月5日にコンビニで払いました", date(2026, 11, 5)),
        ("2026年11月5日", date(2026, 11, 5)),
        ("2027年1月15日", date(2027, 1, 15)),  # an explicit year is kept even in the future
        ("令和8年11月5日", date(2026, 11, 5)),
        ("昨日", date(2026, 11, 21)),
        ("一昨日", date(2026, 11, 20)),
        ("おととい", date(2026, 11, 20)),
        ("さきおととい", date(2026, 11, 19)),
        ("3日前", date(2026, 11, 19)),
        ("三日前", date(2026, 11, 19)),
        ("先週の金曜日", date(2026, 11, 13)),
        ("先週金曜に払った", date(2026, 11, 13)),
        ("先週の日曜日", date(2026, 11, 15)),
        ("先週の月曜日", date(2026, 11, 9)),
        ("今日", date(2026, 11, 22)),
        ("本日", date(2026, 11, 22)),
        ("2ヶ月前", date(2026, 9, 22)),
        ("金曜日", date(2026, 11, 20)),
        ("3日前の15時", date(2026, 11, 19)),
        ("先週の11月5日", date(2026, 11, 5)),  # 先週 is followed by a date, not a weekday
        ("1週間前の金曜日", date(2026, 11, 13)),
        ("今週の金曜日", date(2026, 11, 20)),
        ("来週の月曜", date(2026, 11, 23)),
        ("先週は忙しくて金曜日に払った", date(2026, 11, 20)),  # not adjacent: a plain weekday
        ("2週間の金曜日", date(2026, 11, 20)),  # a length of time, not a week relative to today
    ],
)
def test_dates_from_a_sunday(text, expected):
    assert parse_japanese_date(text, SUNDAY) == expected


@pytest.mark.parametrize(
    "text, today, expected",
    [
        ("11月21日", date(2026, 11, 22), date(2026, 11, 21)),
        ("11月22日", date(2026, 11, 22), date(2026, 11, 22)),  # today itself
        ("11月23日", date(2026, 11, 22), date(2025, 11, 23)),  # tomorrow has not happened: last year
        ("12/31", date(2027, 1, 1), date(2026, 12, 31)),
        ("1/1", date(2026, 12, 31), date(2026, 1, 1)),
        ("2/29", date(2026, 11, 22), date(2024, 2, 29)),
        ("2/29", date(2028, 2, 28), date(2024, 2, 29)),
        ("2/29", date(2028, 2, 29), date(2028, 2, 29)),
        ("3日前", date(2026, 3, 2), date(2026, 2, 27)),
        ("昨日", date(2028, 3, 1), date(2028, 2, 29)),
        ("先週の金曜日", date(2026, 11, 23), date(2026, 11, 20)),  # from a Monday
        ("先週の金曜日", date(2026, 11, 20), date(2026, 11, 13)),  # from a Friday
        ("先週の金曜日", date(2027, 1, 3), date(2026, 12, 25)),
    ],
)
def test_dates_at_boundaries(text, today, expected):
    assert parse_japanese_date(text, today) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "こんにちは",
        "振込用紙が届きません",
        "2年",
        "3年間",
        "先週",
        "去年",
        "11月",
        "3時間前",
        "1.5日前",
        "3日半前",
        "1年半前",
        "半日前",
        "2月30日",
        "2026年2月29日",
        "0年1月1日",
        "10000000日前",
    ],
)
def test_text_without_a_single_day(text):
    assert parse_japanese_date(text, SUNDAY) is None


@settings(database=None, deadline=None)
@given(st.text(), st.dates())
def test_never_raises(text, today):
    result = parse_japanese_date(text, today)
    assert result is None or isinstance(result, date)


@settings(database=None, deadline=None)
@given(st.text(alphabet="0123456789０１２３年月日/昨今前後先週金曜のおとい一二三", max_size=16), st.dates())
def test_never_raises_on_date_like_text(text, today):
    result = parse_japanese_date(text, today)
    assert result is None or isinstance(result, date)


@settings(database=None, deadline=None)
@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)))
def test_full_dates_round_trip(day):
    assert parse_japanese_date(f"{day.year}年{day.month}月{day.day}日", SUNDAY) == day


@settings(database=None, deadline=None)
@given(st.dates(min_value=date(1901, 1, 1), max_value=date(2100, 12, 31)), st.integers(1, 12), st.integers(1, 28))
def test_year_less_dates_are_the_latest_not_after_today(today, month, day):
    result = parse_japanese_date(f"{month}月{day}日", today)
    assert (result.month, result.day) == (month, day)
    assert result <= today
    assert result.replace(year=result.year + 1) > today
