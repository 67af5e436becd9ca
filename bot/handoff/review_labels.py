"""The labels a supervisor may give a queued message, with the names the review page shows: the guide
answers (faq/<key>, titled by domain.yml's utter_title_<key>), the intents of domain.yml, 「ガイドにない」
(out_of_scope) and 「無視」 (ignore: kept so the message is not queued again, never exported)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Dict, List, TypeGuard

import yaml

from bot.store.db import ROOT
from bot.store.review_rules import GUIDE_QUESTION, IGNORE, NOT_IN_GUIDES, NOT_UNDERSTOOD

DOMAIN = ROOT / "domain.yml"
# The intents a customer's message can be taught as, in Japanese. Not `faq` alone (a guide question
# is taught with its answer) nor `rate_answer` (buttons only: it has no examples on purpose).
INTENT_NAMES = {
    "greet": "あいさつ",
    "thank": "お礼",
    "goodbye": "終わりのあいさつ",
    "affirm": "はい(肯定)",
    "deny": "いいえ・違う(否定)",
    "bot_challenge": "ボットかどうかの質問",
    "request_human": "担当者と話したい",
    "check_account_status": "アカウントの状態の確認",
    "resend_password_mail": "パスワード設定メールの再送",
    "check_renewal": "契約更新できるかの確認",
    "payment_status": "支払いの反映の確認",
    "sign_up": "アカウントの新規登録",
    "manage_cc": "CCアドレスの確認・変更",
    "apply_renewal": "契約更新の申し込み",
    "subscribe_reminders": "更新時期のお知らせの登録",
    "unsubscribe_reminders": "お知らせの停止",
    "inform": "情報の入力(番号・アドレスなど)",
}
NOT_TAUGHT = frozenset({GUIDE_QUESTION, "rate_answer"})
OTHER_NAMES = {NOT_IN_GUIDES: "ガイドにない", IGNORE: "無視"}
# What the bot read, where it is not a label.
READING_NAMES = {
    **INTENT_NAMES,
    NOT_IN_GUIDES: "ガイドにない",
    NOT_UNDERSTOOD: "理解できず",
    GUIDE_QUESTION: "ガイドの質問",
    "rate_answer": "満足度の評価",
}


@lru_cache(maxsize=4)
def _domain(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def guide_answers(domain: Path = DOMAIN) -> Dict[str, str]:
    """faq/<key> → its title, in domain.yml's order."""
    responses = _domain(domain)["responses"]
    keys = [name[len("utter_faq/") :] for name in responses if name.startswith("utter_faq/")]
    return {f"{GUIDE_QUESTION}/{key}": responses.get(f"utter_title_{key}", [{"text": key}])[0]["text"] for key in keys}


def intents(domain: Path = DOMAIN) -> List[str]:
    """domain.yml's intents a message can be taught as, but out_of_scope (offered as 「ガイドにない」)."""
    return [intent for intent in _domain(domain)["intents"] if intent not in NOT_TAUGHT and intent not in OTHER_NAMES]


def choices(domain: Path = DOMAIN) -> List[Dict[str, str]]:
    """Every label, as the page offers it: value, Japanese name and kind (guide_answer, intent, other)."""
    return (
        [{"value": key, "name": title, "kind": "guide_answer"} for key, title in guide_answers(domain).items()]
        + [{"value": intent, "name": INTENT_NAMES.get(intent, intent), "kind": "intent"} for intent in intents(domain)]
        + [{"value": value, "name": name, "kind": "other"} for value, name in OTHER_NAMES.items()]
    )


def is_label(value: object, domain: Path = DOMAIN) -> TypeGuard[str]:
    return isinstance(value, str) and any(choice["value"] == value for choice in choices(domain))
