"""What the simulated customers say, on the demo data (BOT_TODAY=2026-11-22), and what the bot must answer.

A conversation verifies one customer only (a second identity in the same conversation
is refused, as it should be), so there are two scripts: one with the account-status
verification, one with the renewal check. Both have the payment-status turn and FAQ
questions around them. `expect` is a piece of the right answer; the bot's replies are
checked against it so that a broken bot cannot look fast.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import List, Optional

FAQ = "faq"  # answered by Rasa alone (guide answers and small talk)
ACTION = "action"  # needs the action server and the demo database


@dataclass(frozen=True)
class Turn:
    text: str
    kind: str
    expect: Optional[str]


SLIP_ARRIVAL = Turn("振込用紙はいつ届きますか", FAQ, "1〜2週間ほどかかります")
FORGOT_PASSWORD = Turn("パスワードを忘れました", FAQ, "パスワードをお忘れですか")
CONFIRMATION_TIME = Turn("コンビニで払ったら入金確認までどれくらいかかる？", FAQ, "当日〜5日程度")
RENEWAL_YEARS = Turn("更新年数は何年から選べますか", FAQ, "1〜3年からお選びいただけます")
WHERE_TO_PAY = Turn("振込用紙はどこで支払えますか", FAQ, "コンビニエンスストアまたは郵便局")
TOTAL_SECURITY = Turn("トータルセキュリティの更新期限はありますか", FAQ, "期間の制限はありません")
BULK_RENEWAL = Turn("複数のシリアル番号をまとめて更新できますか", FAQ, "まとめて更新できます")
ACCOUNT_VALIDITY = Turn("ポータルのアカウントに有効期限はありますか", FAQ, "契約期限内")
LOGIN_TROUBLE = Turn("ログインできません", FAQ, "ユーザ名")
THANKS = Turn("ありがとうございました", FAQ, "どういたしまして")

ASK_EMAIL = "メールアドレスを入力"
PAYMENT_STATUS = Turn("11月5日に郵便局で払ったのに反映されない", ACTION, "2026年11月15日")

VERIFICATION_SCRIPT = [
    SLIP_ARRIVAL,
    FORGOT_PASSWORD,
    Turn("アカウントの状態を確認したい", ACTION, ASK_EMAIL),
    Turn("yamada@sample-shoji.co.jp TB-3KQ7-M2X9P-4HD8W-7RT5N-Q6J3C-9ZV2L", ACTION, "2027年3月31日"),
    CONFIRMATION_TIME,
    PAYMENT_STATUS,
    RENEWAL_YEARS,
    WHERE_TO_PAY,
    TOTAL_SECURITY,
    THANKS,
]

RENEWAL_SCRIPT = [
    FORGOT_PASSWORD,
    Turn("VBCL-4821-7730-1956-2204 は更新できますか", ACTION, ASK_EMAIL),
    Turn("nakamura@example.jp", ACTION, "2029年1月15日"),
    SLIP_ARRIVAL,
    PAYMENT_STATUS,
    BULK_RENEWAL,
    ACCOUNT_VALIDITY,
    CONFIRMATION_TIME,
    LOGIN_TROUBLE,
    THANKS,
]

SCRIPTS = [VERIFICATION_SCRIPT, RENEWAL_SCRIPT]

# The growth conversation: FAQ questions only, asked over and over.
FAQ_CYCLE = [
    SLIP_ARRIVAL,
    FORGOT_PASSWORD,
    CONFIRMATION_TIME,
    RENEWAL_YEARS,
    WHERE_TO_PAY,
    TOTAL_SECURITY,
    BULK_RENEWAL,
    ACCOUNT_VALIDITY,
    LOGIN_TROUBLE,
]


def script(conversation: int) -> List[Turn]:
    """Conversations alternate between the two scripts."""
    return SCRIPTS[conversation % len(SCRIPTS)]


def faq_turns(count: int) -> List[Turn]:
    return [FAQ_CYCLE[i % len(FAQ_CYCLE)] for i in range(count)]


def reply_text(replies: list) -> str:
    return "\n".join(r.get("text") or "" for r in replies)
