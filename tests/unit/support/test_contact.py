import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.nlp.pipeline import lemmas
from bot.support.contact import (
    CcError,
    CcOperation,
    add_cc,
    canonical_phone,
    cc_operation,
    normalize_person_name,
    remove_cc,
)

OWN = "Yamada@Example.co.jp"


@pytest.mark.parametrize(
    "typed, name",
    [
        ("山田 太郎", "山田 太郎"),
        ("  山田\u3000太郎 ", "山田 太郎"),
        ("ﾔﾏﾀﾞ ﾀﾛｳ", "ヤマダ タロウ"),
        ("トレンドマイクロ 株式会社", "トレンドマイクロ 株式会社"),
        ("J. Smith", "J. Smith"),
        ("李", "李"),
        ("あ" * 50, "あ" * 50),
        ("あ" * 51, None),
        ("", None),
        ("   ", None),
        ("12345", None),
        ("---!!", None),
        ("山田\u202e太郎", None),
        ("A\u00b4", "A"),  # NFKC splits the accent into space + combining mark; both go
    ],
)
def test_person_name(typed, name):
    assert normalize_person_name(typed) == name


@pytest.mark.parametrize(
    "typed, phone",
    [
        ("03-1234-5678", "0312345678"),
        ("０３－１２３４－５６７８", "0312345678"),
        ("03ー1234ー5678", "0312345678"),
        ("03 (1234) 5678", "0312345678"),
        ("(03)1234-5678", "0312345678"),
        ("090-1234-5678", "09012345678"),
        ("+81 90-1234-5678", "09012345678"),
        ("+81-3-1234-5678", "0312345678"),
        ("+81 (0)3 1234 5678", "0312345678"),
        ("＋８１３１２３４５６７８", "0312345678"),
        ("0120-123-456", "0120123456"),
        ("031234567", None),  # 9 digits
        ("090123456789", None),  # 12 digits
        ("3123456789", None),  # no leading 0
        ("03.1234.5678", None),
        ("tel 0312345678", None),
        ("81312345678", None),
        ("", None),
    ],
)
def test_phone(typed, phone):
    assert canonical_phone(typed) == phone


def test_add_cc_stores_the_canonical_address():
    assert add_cc([], "Sato@Example.COM", OWN) == (["sato@example.com"], None)


@pytest.mark.parametrize(
    "current, address, error",
    [
        ([], "not-an-address", CcError.INVALID_EMAIL),
        ([], "", CcError.INVALID_EMAIL),
        ([], "yamada@example.co.jp", CcError.OWN_ADDRESS),
        (["sato@example.com"], "SATO@example.com", CcError.DUPLICATE),
        ([f"user{i}@example.com" for i in range(10)], "new@example.com", CcError.TOO_MANY),
    ],
)
def test_add_cc_refusals_leave_the_list_unchanged(current, address, error):
    assert add_cc(current, address, OWN) == (current, error)


@pytest.mark.parametrize("size, error", [(9, None), (10, CcError.TOO_MANY)])
def test_add_cc_limit_is_ten(size, error):
    current = [f"user{i}@example.com" for i in range(size)]
    new_list, got = add_cc(current, "new@example.com", OWN)
    assert got == error
    assert len(new_list) == min(size + 1, 10)


def test_add_cc_does_not_modify_its_input():
    current = ["sato@example.com"]
    add_cc(current, "suzuki@example.com", OWN)
    assert current == ["sato@example.com"]


@pytest.mark.parametrize(
    "current, address, expected",
    [
        (["sato@example.com", "suzuki@example.com"], "SATO@Example.com", (["suzuki@example.com"], None)),
        (["sato@example.com"], "tanaka@example.com", (["sato@example.com"], CcError.NOT_IN_LIST)),
        (["sato@example.com"], "sato", (["sato@example.com"], CcError.INVALID_EMAIL)),
        ([], "sato@example.com", ([], CcError.NOT_IN_LIST)),
    ],
)
def test_remove_cc(current, address, expected):
    assert remove_cc(current, address) == expected


@settings(database=None)
@given(st.text())
def test_person_name_never_raises_and_is_stable(text):
    name = normalize_person_name(text)
    if name is not None:
        assert 1 <= len(name) <= 50
        assert normalize_person_name(name) == name


@settings(database=None)
@given(st.text())
def test_phone_never_raises_and_is_canonical(text):
    phone = canonical_phone(text)
    if phone is not None:
        assert re.fullmatch(r"0[0-9]{9,10}", phone)
        assert canonical_phone(phone) == phone


@settings(database=None)
@given(st.from_regex(r"0[1-9]0?[0-9]{8}", fullmatch=True), st.sampled_from(["-", " ", "－", "ー"]))
def test_phone_ignores_separators(digits, separator):
    typed = separator.join([digits[:3], digits[3:7], digits[7:]])
    assert canonical_phone(typed) == digits


@settings(database=None)
@given(st.lists(st.text(max_size=30), max_size=12), st.text(max_size=40))
def test_cc_rules_hold_for_any_input(current, address):
    added, add_error = add_cc(current, address, OWN)
    assert (added == current) is (add_error is not None)
    if add_error is None:
        assert len(added) <= 10
        assert added[-1] not in {c.lower() for c in current} | {OWN.lower()}
    removed, remove_error = remove_cc(current, address)
    assert (removed == current) is (remove_error is not None)


@pytest.mark.parametrize(
    "text, names_an_address, operation",
    [
        ("CCに登録しているアドレスを教えて", False, CcOperation.LIST),
        ("CCの設定を確認したい", False, CcOperation.LIST),
        ("CCに登録されているアドレスを見せて", False, CcOperation.LIST),
        ("CCに suzuki@example.jp を登録して", True, CcOperation.ADD),
        ("同僚をCCに入れてほしい", False, CcOperation.ADD),
        ("CCを1件増やしたい", False, CcOperation.ADD),
        ("CCから suzuki@example.jp を外してください", True, CcOperation.REMOVE),
        ("退職者のアドレスをCCから削除したい", False, CcOperation.REMOVE),
        ("CCに入れるのをやめたい", False, CcOperation.REMOVE),
        ("ＣＣの宛先を消して", False, CcOperation.REMOVE),
    ],
)
def test_cc_operation(text, names_an_address, operation):
    assert cc_operation(lemmas(text), names_an_address) is operation


@pytest.mark.parametrize(
    "text, name",
    [
        ("高橋 健です", "高橋 健"),
        ("名前は山田 太郎です。", "山田 太郎"),
        ("佐藤と申します", "佐藤"),
        ("株式会社サンプル商事 情報システム部", "株式会社サンプル商事 情報システム部"),
    ],
)
def test_the_words_around_a_name_are_not_stored(text, name):
    assert normalize_person_name(text) == name
