import pytest

from bot.nlp.pipeline import lemmas
from bot.support.triage import (
    HIGH,
    LOGIN,
    NORMAL,
    OTHER,
    PORTAL_ACCOUNT,
    PRODUCT,
    RENEWAL_AND_PAYMENT,
    THREAT,
    Reason,
    category,
    identifier_to_ask,
    priority,
    quoted_question,
    reason_in_words,
    summary,
)


@pytest.mark.parametrize(
    "text, reason",
    [
        ("検体の解析依頼をしたいです", Reason.THREAT_ANALYSIS),
        ("不審なファイルを調べてほしい", Reason.THREAT_ANALYSIS),
        ("ランサムウェアに感染したかもしれません", Reason.THREAT_ANALYSIS),
        ("ウイルスバスターでエラーが出て起動しません", Reason.PRODUCT_TROUBLE),
        ("製品を入れてからパソコンが重い", Reason.PRODUCT_TROUBLE),
        ("いい加減にしてください、全然役に立たない", Reason.FRUSTRATION),
        ("何度も同じことを聞かないで", Reason.FRUSTRATION),
        ("ちゃんと答えて!!!", Reason.FRUSTRATION),
        ("今日の天気は？", None),
        ("パソコンが重い", None),  # no product named: not ours to triage
        ("エラーが出ます", None),
    ],
)
def test_reasons_seen_in_the_words(text, reason):
    assert reason_in_words(text, lemmas(text)) is reason


@pytest.mark.parametrize(
    "reason, topics, expected",
    [
        (Reason.CUSTOMER_ASKED, [], OTHER),
        (Reason.CUSTOMER_ASKED, ["greet", "faq/portal_forgot_password"], LOGIN),
        (Reason.CUSTOMER_ASKED, ["faq/portal_login_trouble", "check_account_status"], PORTAL_ACCOUNT),
        (Reason.REPEATED_FALLBACK, ["faq/renewal_slip_arrival", "nlu_fallback", "nlu_fallback"], RENEWAL_AND_PAYMENT),
        (Reason.VERIFICATION_FAILED, ["check_renewal"], RENEWAL_AND_PAYMENT),
        (Reason.PAYMENT_OVERDUE, ["faq/portal_forgot_password"], RENEWAL_AND_PAYMENT),
        (Reason.THREAT_ANALYSIS, ["check_account_status"], THREAT),
        (Reason.PRODUCT_TROUBLE, [], PRODUCT),
    ],
)
def test_category(reason, topics, expected):
    assert category(reason, topics) == expected


@pytest.mark.parametrize(
    "reason, premium, expected",
    [
        (Reason.CUSTOMER_ASKED, False, NORMAL),
        (Reason.CUSTOMER_ASKED, True, HIGH),
        (Reason.PAYMENT_OVERDUE, False, HIGH),
        (Reason.FRUSTRATION, False, NORMAL),
    ],
)
def test_priority(reason, premium, expected):
    assert priority(reason, premium) == expected


def test_summary_says_the_queue_the_reason_and_the_identity():
    text = summary(Reason.PAYMENT_OVERDUE, RENEWAL_AND_PAYMENT, True)
    assert text.splitlines() == ["【契約更新・支払い】入金確認の目安を過ぎたお支払い。", "ご本人確認: 済み"]


def test_the_last_question_is_kept_short_and_masked():
    question = quoted_question("VBCL-4821-7730-1956-2204 " + "あ" * 200)
    assert question.startswith("VBCL-****-****-****-2204 ") and len(question) == 80 and question.endswith("…")
    assert quoted_question("振込用紙はいつ届きますか") == "振込用紙はいつ届きますか"
    assert quoted_question(None) is None and quoted_question("") is None


@pytest.mark.parametrize(
    "category_name, identifier",
    [
        (RENEWAL_AND_PAYMENT, "serial_number"),
        (PORTAL_ACCOUNT, "activation_code"),
        (LOGIN, "activation_code"),
        (THREAT, None),
        (PRODUCT, None),
        (OTHER, None),
    ],
)
def test_which_identifier_an_agent_starts_from(category_name, identifier):
    assert identifier_to_ask(category_name) == identifier
