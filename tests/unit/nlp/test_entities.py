import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.identifiers import canonical_activation_code, canonical_email, canonical_serial
from bot.nlp.pipeline import analyse


def entities(text):
    return [(e.label, e.value, text[e.start : e.end]) for e in analyse(text).entities]


def test_serial_in_any_spacing_is_found_with_its_typed_span():
    text = "シリアルはｖｂｃｌ ４８２１ ７７３０ １９５６ ２２０４です"
    assert entities(text) == [
        ("serial_number", "VBCL-4821-7730-1956-2204", "ｖｂｃｌ ４８２１ ７７３０ １９５６ ２２０４")
    ]


def test_activation_code_and_email_are_canonical():
    text = "tb3kq7m2x9p4hd8w7rt5nq6j3c9zv2l と Yamada@Sample-Shoji.CO.JP"
    assert [(label, value) for label, value, _ in entities(text)] == [
        ("activation_code", "TB-3KQ7-M2X9P-4HD8W-7RT5N-Q6J3C-9ZV2L"),
        ("email", "yamada@sample-shoji.co.jp"),
    ]


@pytest.mark.parametrize(
    "text, product",
    [
        ("ウイルスバスタークラウドを使っています", "ウイルスバスター クラウド"),
        ("ｳｲﾙｽﾊﾞｽﾀｰ ｸﾗｳﾄﾞ", "ウイルスバスター クラウド"),
        ("トータルセキュリティ プレミアムです", "ウイルスバスター トータルセキュリティ プレミアム"),
        (
            "ウイルスバスター クラウド + デジタルライフサポート プレミアム を更新",
            "ウイルスバスター クラウド + デジタルライフサポート プレミアム",
        ),
        ("トータルセキュリティの期限", "ウイルスバスター トータルセキュリティ"),
    ],
)
def test_product_names_map_to_one_canonical_name(text, product):
    assert [(label, value) for label, value, _ in entities(text)] == [("product", product)]


@pytest.mark.parametrize(
    "text, channel", [("コンビニで払った", "コンビニエンスストア"), ("ゆうちょで支払い", "郵便局")]
)
def test_payment_channels(text, channel):
    assert [(label, value) for label, value, _ in entities(text)] == [("payment_channel", channel)]


def test_no_entities_in_plain_question():
    assert entities("パスワードを忘れました") == []


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("VBCL-4821-7730-1956-2204", "VBCL-4821-7730-1956-2204"),
        ("vbcl48217730 1956-2204", "VBCL-4821-7730-1956-2204"),
        ("VBCL-4821-7730-1956", None),
        ("", None),
    ],
)
def test_canonical_serial(raw, expected):
    assert canonical_serial(raw) == expected


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("TB-3KQ7-M2X9P-4HD8W-7RT5N-Q6J3C-9ZV2L", "TB-3KQ7-M2X9P-4HD8W-7RT5N-Q6J3C-9ZV2L"),
        ("tb 3kq7 m2x9p 4hd8w 7rt5n q6j3c 9zv2l", "TB-3KQ7-M2X9P-4HD8W-7RT5N-Q6J3C-9ZV2L"),
        ("TB-3KQ7-M2X9P", None),
    ],
)
def test_canonical_activation_code(raw, expected):
    assert canonical_activation_code(raw) == expected


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("Yamada@Sample-Shoji.co.jp", "yamada@sample-shoji.co.jp"),
        ("ｙａｍａｄａ＠ｅｘａｍｐｌｅ．ｊｐ", "yamada@example.jp"),
        ("yamada@", None),
        ("a..b@example.jp", None),
        ("山田@example.jp", None),
    ],
)
def test_canonical_email(raw, expected):
    assert canonical_email(raw) == expected


@pytest.mark.parametrize(
    "text, value, typed",
    [
        ("11月5日にコンビニで払いました", "11月5日", "11月5日"),
        ("11/5に払った", "11/5", "11/5"),
        ("１１／５に払込みました", "11/5", "１１／５"),
        ("2026年11月5日に振り込みました", "2026年11月5日", "2026年11月5日"),
        ("令和8年11月5日", "令和8年11月5日", "令和8年11月5日"),
        ("2026/11/05に支払い", "2026/11/05", "2026/11/05"),
        ("昨日払った", "昨日", "昨日"),
        ("一昨日に払いました", "一昨日", "一昨日"),
        ("おとといゆうちょで", "おととい", "おととい"),
        ("さきおとといに払った", "さきおととい", "さきおととい"),
        ("3日前に支払い済み", "3日前", "3日前"),
        ("三日前です", "三日前", "三日前"),
        ("先週の金曜日に払いました", "先週の金曜日", "先週の金曜日"),
        ("先週金曜に払った", "先週金曜", "先週金曜"),
        ("今日払いました", "今日", "今日"),
        ("本日支払いました", "本日", "本日"),
        ("11/5（木）に払った", "11/5(木)", "11/5（木）"),  # the weekday restates the date
    ],
)
def test_dates_keep_their_normalized_surface_and_typed_span(text, value, typed):
    assert [(label, v, t) for label, v, t in entities(text) if label == "date"] == [("date", value, typed)]


@pytest.mark.parametrize(
    "text",
    [
        "VBCL-4821-7730-1956-2204",
        "VBCL-4821-2026-1105-2204 を更新したい",
        "vbcl-4821-2026-1105",  # too short for a serial, still no date
        "電話番号は03-1234-5678です",
        "0120-11-5555 に電話しました",
        "注文番号 11-05-123",
        "11/5-11/7",
        "TB-3KQ7-M2X9P-4HD8W-7RT5N-Q6J3C-9ZV2L",
        "1年で更新したい",
        "3年分まとめて",
        "5日くらいかかりますか",
        "3時間前",
        "先週",
        "11月",
        "5日に払った",  # no month: not one day
        "毎日",
        "月額はいくら",
        "今回の更新",
        "2月30日",
    ],
)
def test_no_date_where_no_single_day_is_named(text):
    assert [label for label, _, _ in entities(text) if label == "date"] == []


def test_date_next_to_identifiers_keeps_every_entity_whole():
    text = "ｖｂｃｌ ４８２１ ７７３０ １９５６ ２２０４ は１１月５日にローソンで払いました"
    assert entities(text) == [
        ("serial_number", "VBCL-4821-7730-1956-2204", "ｖｂｃｌ ４８２１ ７７３０ １９５６ ２２０４"),
        ("date", "11月5日", "１１月５日"),
        ("payment_channel", "コンビニエンスストア", "ローソン"),
    ]


def test_two_dates_are_two_entities():
    assert [v for label, v, _ in entities("11/5〜11/7のどこかで払いました") if label == "date"] == ["11/5", "11/7"]


@settings(database=None, deadline=None, max_examples=300)
@given(st.text(alphabet="0123456789０１２３年月日/／-ー昨今前後先週金曜のおといVBCLtb@. ", max_size=40))
def test_entities_on_date_like_text_stay_inside_the_text_and_apart(text):
    found = sorted(analyse(text).entities, key=lambda e: e.start)
    assert all(0 <= e.start < e.end <= len(text) for e in found)
    assert all(a.end <= b.start for a, b in zip(found, found[1:]))
