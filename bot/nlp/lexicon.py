"""The words the tokenizer keeps whole, how customers spell them, and the entities they name.

Each entry maps the spellings customers use (after normalization) to one canonical
form. The canonical form becomes the token's lemma, so 振り込み用紙 and 振込用紙 are one
feature, and for entries with a label it becomes the entity value.
"""

from __future__ import annotations

from typing import Dict, Optional, Tuple

from bot.domain.vocabulary import (
    CLOUD,
    CLOUD_DLS,
    CONVENIENCE_STORE,
    CONVENIENCE_STORE_PAYMENT,
    CREDIT_CARD,
    PAYMENT_SLIP,
    POST_OFFICE,
    TOTAL_SECURITY,
    TOTAL_SECURITY_PREMIUM,
    TOTAL_SECURITY_STANDARD,
)

PRODUCT = "product"
PAYMENT_CHANNEL = "payment_channel"

# canonical form -> (entity label or None, spellings). A space in a spelling
# matches an optional space; the canonical form is itself a spelling.
_ENTRIES: Dict[str, Tuple[Optional[str], Tuple[str, ...]]] = {
    CLOUD_DLS: (
        PRODUCT,
        (
            "ウイルスバスター クラウド + デジタルライフサポート プレミアム",
            "ウィルスバスター クラウド + デジタルライフサポート プレミアム",
            "クラウド + デジタルライフサポート プレミアム",
        ),
    ),
    TOTAL_SECURITY_STANDARD: (
        PRODUCT,
        (
            "ウイルスバスター トータルセキュリティ スタンダード",
            "ウィルスバスター トータルセキュリティ スタンダード",
            "トータルセキュリティ スタンダード",
        ),
    ),
    TOTAL_SECURITY_PREMIUM: (
        PRODUCT,
        (
            "ウイルスバスター トータルセキュリティ プレミアム",
            "ウィルスバスター トータルセキュリティ プレミアム",
            "トータルセキュリティ プレミアム",
        ),
    ),
    TOTAL_SECURITY: (
        PRODUCT,
        (
            "ウイルスバスター トータルセキュリティ",
            "ウィルスバスター トータルセキュリティ",
            "トータルセキュリティ",
            "トータル セキュリティ",
        ),
    ),
    CLOUD: (
        PRODUCT,
        ("ウイルスバスター クラウド", "ウィルスバスター クラウド", "ウイルスバスタークラウド", "バスター クラウド"),
    ),
    CONVENIENCE_STORE: (
        PAYMENT_CHANNEL,
        (
            "コンビニエンスストア",
            "コンビニエンス ストア",
            "コンビニ",
            "セブンイレブン",
            "セブン-イレブン",
            "ローソン",
            "ファミリーマート",
            "ファミマ",
            "ミニストップ",
            "デイリーヤマザキ",
            "セイコーマート",
        ),
    ),
    POST_OFFICE: (PAYMENT_CHANNEL, ("郵便局", "ゆうちょ銀行", "ゆうちょ", "郵便窓口")),
    CONVENIENCE_STORE_PAYMENT: (None, ("かんたんコンビニ決済", "簡単コンビニ決済")),
    "ウイルスバスター": (None, ("ウイルスバスター", "ウィルスバスター", "ウイルス バスター")),
    "ビジネスサポートポータル": (
        None,
        ("ビジネスサポートポータル", "ビジネス サポート ポータル", "サポートポータル", "business support portal"),
    ),
    "パートナーポータル": (None, ("パートナーポータル",)),
    "トレンドマイクロアカウント": (None, ("トレンドマイクロアカウント", "トレンドマイクロ アカウント")),
    "トレンドマイクロ": (None, ("トレンドマイクロ", "トレンド マイクロ")),
    "法人カスタマーサービス&サポート": (
        None,
        (
            "法人カスタマーサービス&サポート",
            "法人カスタマーサービス & サポート",
            "法人カスタマーサービスアンドサポート",
        ),
    ),
    "アクティベーションコード": (
        None,
        ("アクティベーションコード", "アクティベーション コード", "アクティベートコード", "activation code"),
    ),
    "シリアル番号": (
        None,
        ("シリアル番号", "シリアルナンバー", "シリアル ナンバー", "シリアルno", "serial number", "serial no", "serial"),
    ),
    "ログイン": (None, ("ログイン", "ログオン", "サインイン", "login", "log in", "log-in", "sign in", "signin")),
    "ログアウト": (None, ("ログアウト", "サインアウト", "logout", "log out", "sign out")),
    "サインアップ": (None, ("サインアップ", "sign up", "signup", "sign-up")),
    "パスワード": (None, ("パスワード", "パスワ-ド", "password")),
    "メールアドレス": (
        None,
        (
            "メールアドレス",
            "メール アドレス",
            "eメールアドレス",
            "e-mailアドレス",
            "メアド",
            "mail address",
            "email address",
            "e-mail address",
        ),
    ),
    # Partners write the guides' words in English (「renewalは可能でしょうか」): one feature with
    # the Japanese word, as the sentence encoder already reads them.
    "メール": (None, ("メール", "mail", "email", "e-mail")),
    "アカウント": (None, ("アカウント", "account")),
    "ライセンス": (None, ("ライセンス", "license", "licence")),
    "更新": (None, ("更新", "renewal", "renew")),
    "ポータル": (None, ("ポータル", "portal")),
    PAYMENT_SLIP: (
        None,
        ("振込用紙", "振り込み用紙", "振込み用紙", "振込票", "払込票", "払込用紙", "払い込み用紙", "振替用紙"),
    ),
    "契約更新": (None, ("契約更新",)),
    "有効期限": (None, ("有効期限", "expiration date", "expiry date", "expiration", "expiry")),
    "あんしん自動更新": (None, ("あんしん自動更新", "安心自動更新")),
    "プレミアムサービス": (None, ("プレミアムサービス", "プレミアム サービス")),
    "コンタクトパーソン": (None, ("コンタクトパーソン", "コンタクト パーソン")),
    CREDIT_CARD: (None, ("クレジットカード", "クレジット カード", "クレカ")),
    "管理コンソール": (None, ("管理コンソール", "製品管理コンソール")),
    "マイプロフィール": (None, ("マイプロフィール", "マイ プロフィール")),
    "解析依頼": (None, ("解析依頼",)),
}


def entries() -> Dict[str, Tuple[Optional[str], Tuple[str, ...]]]:
    """The domain vocabulary: canonical form -> (entity label or None, spellings)."""
    return _ENTRIES
