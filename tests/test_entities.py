import pytest

from bot.nlp.pipeline import analyse
from bot.support.identifiers import canonical_activation_code, canonical_email, canonical_serial


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
        ("ウイルスバスター クラウド + デジタルライフサポート プレミアム を更新",
         "ウイルスバスター クラウド + デジタルライフサポート プレミアム"),
        ("トータルセキュリティの期限", "ウイルスバスター トータルセキュリティ"),
    ],
)
def test_product_names_map_to_one_canonical_name(text, product):
    assert [(label, value) for label, value, _ in entities(text)] == [("product", product)]


@pytest.mark.parametrize("text, channel", [("コンビニで払った", "コンビニエンスストア"), ("ゆうちょで支払い", "郵便局")])
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
