"""Triage before a human takes over: why, which queue, how urgent, and what the agent reads.

Pure functions of what the conversation holds, so every rule can be checked on its own.
"""

from __future__ import annotations

from enum import Enum
from typing import AbstractSet, Iterable, Optional

from bot.domain.identifiers import mask_identifiers
from bot.domain.normalize import normalize

PORTAL_ACCOUNT = "ポータルアカウント"
LOGIN = "ログイン"
RENEWAL_AND_PAYMENT = "契約更新・支払い"
PRODUCT = "製品の問い合わせ"
THREAT = "脅威解析"
OTHER = "その他"

HIGH = "high"
NORMAL = "normal"

SUMMARY_QUESTION_LENGTH = 80


class Reason(str, Enum):
    CUSTOMER_ASKED = "customer_asked"
    REPEATED_FALLBACK = "repeated_fallback"
    VERIFICATION_FAILED = "verification_failed"
    PAYMENT_OVERDUE = "payment_overdue"
    THREAT_ANALYSIS = "threat_analysis"
    PRODUCT_TROUBLE = "product_trouble"
    FRUSTRATION = "frustration"


REASON_LABELS = {
    Reason.CUSTOMER_ASKED: "お客さまが担当者との対応を希望",
    Reason.REPEATED_FALLBACK: "ボットがご質問を2回続けて理解できず",
    Reason.VERIFICATION_FAILED: "ご本人確認に3回失敗",
    Reason.PAYMENT_OVERDUE: "入金確認の目安を過ぎたお支払い",
    Reason.THREAT_ANALYSIS: "脅威解析のご依頼",
    Reason.PRODUCT_TROUBLE: "ガイドにない製品のトラブル",
    Reason.FRUSTRATION: "お客さまがご不満を表明",
}

# Lemmas (so 解析して, 解析依頼 and 解析したい all count) and phrases for each reason
# the bot recognises from the words alone.
_THREAT_WORDS = frozenset({"解析", "検体", "マルウェア", "ランサムウェア", "感染"})
_THREAT_PHRASES = ("解析依頼", "不審なファイル", "ウイルスに感染")
_TROUBLE_WORDS = frozenset(
    {
        "エラー",
        "起動",
        "動く",
        "重い",
        "落ちる",
        "固まる",
        "インストール",
        "アンインストール",
        "表示",
        "ブロック",
        "検出",
        "オフライン",
        "失敗",
    }
)
_PRODUCT_WORDS = frozenset(
    {"ウイルスバスター", "製品", "ソフト", "エージェント", "Apex", "パターンファイル", "コンソール"}
)
_FRUSTRATION_PHRASES = (
    "ふざけ",
    "いい加減",
    "役に立たな",
    "役立たず",
    "最悪",
    "むかつ",
    "イライラ",
    "話にならな",
    "何度も同じ",
    "もういい加減",
    "怒",
    "時間の無駄",
    "全然わから",
)


def reason_in_words(text: str, lemmas: AbstractSet[str]) -> Optional[Reason]:
    """A reason to hand over that the message itself shows, or None; `lemmas` are the message's
    (bot.nlp.pipeline.lemmas)."""
    plain = normalize(text).text
    if any(phrase in plain for phrase in _FRUSTRATION_PHRASES) or plain.count("!") >= 3:
        return Reason.FRUSTRATION
    if lemmas & _THREAT_WORDS or any(phrase in plain for phrase in _THREAT_PHRASES):
        return Reason.THREAT_ANALYSIS
    if lemmas & _TROUBLE_WORDS and (lemmas & _PRODUCT_WORDS or "ウイルスバスター" in plain):
        return Reason.PRODUCT_TROUBLE
    return None


_CATEGORY_OF_REASON = {
    Reason.PAYMENT_OVERDUE: RENEWAL_AND_PAYMENT,
    Reason.THREAT_ANALYSIS: THREAT,
    Reason.PRODUCT_TROUBLE: PRODUCT,
}
_LOGIN_TOPICS = (
    "faq/portal_forgot_password",
    "faq/portal_login_trouble",
    "faq/portal_first_login",
    "resend_password_mail",
)
_ACCOUNT_TOPICS = ("check_account_status", "sign_up", "manage_cc")
_RENEWAL_TOPICS = ("check_renewal", "apply_renewal", "payment_status")


def category(reason: Reason, topics: Iterable[str]) -> str:
    """The queue: from the reason when it says, else from the newest topic the customer raised.

    `topics` are the conversation's intents, newest last, with FAQ answers as faq/<key>.
    """
    if reason in _CATEGORY_OF_REASON:
        return _CATEGORY_OF_REASON[reason]
    for topic in reversed(list(topics)):
        if topic in _LOGIN_TOPICS:
            return LOGIN
        if topic in _ACCOUNT_TOPICS or topic.startswith("faq/portal_"):
            return PORTAL_ACCOUNT
        if topic in _RENEWAL_TOPICS or topic.startswith("faq/renewal_"):
            return RENEWAL_AND_PAYMENT
    return OTHER


def identifier_to_ask(category_name: str) -> Optional[str]:
    """Which identifier an agent of this queue starts from: the licence's serial for renewals
    and payments, the company's activation code for portal accounts and logins."""
    if category_name == RENEWAL_AND_PAYMENT:
        return "serial_number"
    if category_name in (PORTAL_ACCOUNT, LOGIN):
        return "activation_code"
    return None


def priority(reason: Reason, premium_service: bool) -> str:
    """Premium-service customers and payments past their confirmation window come first."""
    return HIGH if premium_service or reason is Reason.PAYMENT_OVERDUE else NORMAL


def summary(reason: Reason, category_name: str, verified: bool) -> str:
    """A few Japanese lines the agent reads before the transcript."""
    identity = "ご本人確認: 済み" if verified else "ご本人確認: 未"
    return f"【{category_name}】{REASON_LABELS[reason]}。\n{identity}"


def quoted_question(last_question: Optional[str]) -> Optional[str]:
    """The customer's last question as the ticket keeps it for the agent: masked, and short."""
    if not last_question:
        return None
    question = mask_identifiers(normalize(last_question).text)
    if len(question) > SUMMARY_QUESTION_LENGTH:
        question = question[: SUMMARY_QUESTION_LENGTH - 1] + "…"
    return question
