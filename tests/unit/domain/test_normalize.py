import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.normalize import normalize


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("ﾊﾟｽﾜｰﾄﾞ", "パスワード"),
        ("ｱｶｳﾝﾄ　作成", "アカウント 作成"),
        ("ＶＢＣＬ－４８２１", "VBCL-4821"),
        ("パスワ－ド", "パスワード"),
        ("１～３年", "1〜3年"),
        ("  ログイン \t\n できない  ", "ログイン できない"),
        ("ロ\u200bグイン\x00", "ログイン"),
        ("なぜ？！", "なぜ?!"),
        ("", ""),
        (" \u3000\n", ""),
    ],
)
def test_customers_spellings_become_one_form(typed, expected):
    assert normalize(typed).text == expected


@pytest.mark.parametrize("typed", ["ﾋﾞｼﾞﾈｽｻﾎﾟｰﾄﾎﾟｰﾀﾙ", "ＴＢ－３ＫＱ７ です", "が\u3099ぎ", "① ㈱サンプル"])
def test_every_normalized_character_points_into_the_typed_text(typed):
    normalized = normalize(typed)
    assert len(normalized.source) == len(normalized.text)
    for start, end in normalized.source:
        assert 0 <= start < end <= len(typed)
    starts = [start for start, _ in normalized.source]
    assert starts == sorted(starts)


def test_voiced_half_width_katakana_maps_back_to_both_characters():
    normalized = normalize("ﾊﾟｽ")
    assert normalized.text == "パス"
    assert normalized.source_span(0, 1) == (0, 2)
    assert normalized.source_span(0, 2) == (0, 3)


def test_normalizing_twice_changes_nothing():
    once = normalize("ｱｸﾃｨﾍﾞｰｼｮﾝｺｰﾄﾞ　ＴＢ－３ＫＱ７").text
    assert normalize(once).text == once


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_normalization_is_idempotent_and_offsets_stay_inside(text):
    once = normalize(text)
    assert normalize(once.text).text == once.text
    assert all(0 <= start < end <= len(text) for start, end in once.source)
