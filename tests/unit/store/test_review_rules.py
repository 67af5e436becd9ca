"""What the review queue holds and what it masks, as pure functions: each rule at its boundary."""

from __future__ import annotations

import pytest
import yaml

from bot.store.review_rules import (
    NOT_ANSWERED,
    UNSURE_ANSWER_BELOW,
    UNSURE_INTENT_BELOW,
    Reading,
    Reason,
    Reply,
    masked,
    reasons,
    says_wrong,
)
from project_helpers import ROOT

R = Reason


@pytest.mark.parametrize(
    "message, reply, expected",
    [
        # Not understood and not in the guides: queued for that alone.
        (Reading("あれがこうなって", "nlu_fallback", 0.5), None, (R.NOT_UNDERSTOOD,)),
        (Reading("天気は?", "out_of_scope", 0.99), Reply("違う", "deny"), (R.NOT_IN_GUIDES,)),
        # Unsure: the intent under 0.9, or a guide answer chosen under 0.5.
        (Reading("領収書をもらえますか", "faq", 0.899, 0.99), None, (R.UNSURE,)),
        (Reading("領収書をもらえますか", "faq", 0.9, 0.99), None, ()),
        (Reading("クレジットカードで払えますか", "faq", 0.97, 0.499), None, (R.UNSURE,)),
        (Reading("クレジットカードで払えますか", "faq", 0.97, 0.5), None, ()),
        (Reading("はい", "affirm", 0.6), None, (R.UNSURE,)),
        # Answered, then told it was wrong: words, a "no", a request for a person.
        (
            Reading("振込用紙が届かないのですが", "faq", 0.98, 0.95),
            Reply("そうじゃなくて支払い期限です", "faq"),
            (R.CORRECTED,),
        ),
        (Reading("振込用紙が届かないのですが", "faq", 0.98, 0.95), Reply("いいえ", "deny"), (R.CORRECTED,)),
        (
            Reading("振込用紙が届かないのですが", "faq", 0.98, 0.95),
            Reply("人と話したい", "request_human"),
            (R.CORRECTED,),
        ),
        (
            Reading("領収書をもらえますか", "faq", 0.62, 0.7),
            Reply("/request_human", "request_human"),
            (R.UNSURE, R.CORRECTED),
        ),
        # In a form, "no" stops the form; words saying it is wrong still count.
        (Reading("更新できるか確認したい", "check_renewal", 0.97), Reply("やめます", "deny", form_waiting=True), ()),
        (
            Reading("更新できるか確認したい", "check_renewal", 0.97),
            Reply("ちがいます、支払いの確認です", "deny", True),
            (R.CORRECTED,),
        ),
        (
            Reading("更新できるか確認したい", "check_renewal", 0.97),
            Reply("担当者をお願いします", "request_human", True),
            (R.CORRECTED,),
        ),
        # Thanked, or nothing after it: nothing to learn.
        (Reading("パスワードを忘れました", "faq", 0.99, 0.99), Reply("ありがとう", "thank"), ()),
        (Reading("パスワードを忘れました", "faq", 0.99, 0.99), None, ()),
        # No answer to be wrong about: small talk and answers to the bot's own questions.
        (Reading("はい", "affirm", 0.99), Reply("違う", "deny"), ()),
        (Reading("taro@example.jp", "inform", 0.99), Reply("違います", "deny"), ()),
        (Reading("担当者と話したい", "request_human", 0.99), Reply("違う", "deny"), ()),
        # Buttons are not the customer's words.
        (Reading("/faq/renewal_how", "faq", 1.0, 1.0), Reply("違う", "deny"), ()),
        (Reading("/greet", "greet", 0.3), None, ()),
        (Reading("  ", "nlu_fallback", 0.5), None, ()),
    ],
)
def test_what_is_queued_and_why(message, reply, expected):
    assert reasons(message, reply) == expected


@pytest.mark.parametrize(
    "text, intent, wrong",
    [
        ("違う", "faq", True),
        ("全然ちがう", "out_of_scope", True),
        ("それではないです", "nlu_fallback", True),
        ("間違っています", "faq", True),
        ("いいえ", "deny", True),
        ("担当者に代わって", "request_human", True),
        ("ありがとう", "thank", False),
        ("クラウドとの違いは何ですか", "faq", False),
        ("はい", "affirm", False),
    ],
)
def test_a_reply_that_says_the_answer_was_wrong(text, intent, wrong):
    assert says_wrong(Reply(text, intent)) is wrong


def test_the_thresholds_are_above_the_fallback_classifiers():
    config = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))
    fallback = next(c for c in config["pipeline"] if c["name"] == "FallbackClassifier")
    # Below the classifier's threshold a message is nlu_fallback already: "unsure" is the band above it.
    assert fallback["threshold"] < UNSURE_INTENT_BELOW < 1 and 0 < UNSURE_ANSWER_BELOW < 1


def test_every_reading_the_bot_answers_without_an_answer_is_a_domain_intent():
    intents = set(yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))["intents"])
    assert NOT_ANSWERED - {"nlu_fallback"} <= intents


@pytest.mark.parametrize(
    "text, expected",
    [
        ("VBCL-4821-7730-1956-2204 の更新", "〈シリアル番号〉 の更新"),
        ("ｖｂｃｌ４８２１ ７７３０ １９５６ ２２０４です", "〈シリアル番号〉です"),
        ("コードは TB-3KQ7-M2X9P-4HD8W-7RT5N-Q6J3C-9ZV2L", "コードは 〈アクティベーションコード〉"),
        ("taro.yamada@example.co.jp に送って", "〈メールアドレス〉 に送って"),
        ("電話は03-1234-5678、携帯は090 1234 5678", "電話は〈電話番号〉、携帯は〈電話番号〉"),
        ("〒100-0001 東京都千代田区千代田1-1 の者です", "〈郵便番号〉 〈住所〉 の者です"),
        ("大阪市北区梅田3丁目1番3号に住んでます", "〈住所〉に住んでます"),
        ("住所は横浜市中区山下町２７９−２５です", "住所は〈住所〉です"),
        ("北海道札幌市中央区北1条西2丁目にあります", "〈住所〉にあります"),
        ("名古屋市中村区名駅1丁目1番地の2です", "〈住所〉です"),
        ("代々木1-2-3の事務所", "〈住所〉の事務所"),
        ("トークン eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl です", "トークン 〈トークン〉 です"),
        # Numbers that identify nobody stay.
        ("更新は1〜3年", "更新は1〜3年"),
        ("郵便局で2026-11-05に払いました", "郵便局で2026-11-05に払いました"),
        ("渋谷区で3年使っています", "渋谷区で3年使っています"),
        ("市販のソフト1-2本", "市販のソフト1-2本"),
        ("ウイルスバスター クラウド 3年版", "ウイルスバスター クラウド 3年版"),
    ],
)
def test_what_is_masked(text, expected):
    assert masked(text) == expected
