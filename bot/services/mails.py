"""The mails the bot writes to customers, and how they enter the outbox (bot.runtime.mail_sender sends them).

Queued in the caller's session: a mail goes out only if what it announces (an account, an order)
was stored in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from bot.domain.phrasing import japanese_date
from bot.store import repository

PASSWORD_SETTING = "password_setting"
SIGNUP_COMPLETED = "signup_completed"
SIGNUP_ALREADY_REGISTERED = "signup_already_registered"
RENEWAL_SLIP_ORDER = "renewal_slip_order"

ACCOUNT_CREATED_SUBJECT = "トレンドマイクロ ビジネスサポートポータル■アカウント作成完了のお知らせ"
ALREADY_REGISTERED_SUBJECT = "トレンドマイクロ ビジネスサポートポータル■アカウント登録についてのお知らせ"
RENEWAL_ORDER_SUBJECT = "ウイルスバスター 契約更新お申し込み受付のお知らせ(振込用紙)"


@dataclass(frozen=True)
class Mail:
    template: str
    subject: str
    body: str


def _set_your_password(name: str) -> str:
    return f"{name} 様\nメール内のパスワード欄にあるリンクから、パスワードを設定してください。"


def password_setting(name: str) -> Mail:
    """Sent again on request while the account's password has not been set."""
    return Mail(PASSWORD_SETTING, ACCOUNT_CREATED_SUBJECT, _set_your_password(name))


def signup_completed(name: str) -> Mail:
    return Mail(SIGNUP_COMPLETED, ACCOUNT_CREATED_SUBJECT, _set_your_password(name))


def already_registered() -> Mail:
    """To the owner of an address that signed up again: only they read it, so the chat says the same either way."""
    return Mail(SIGNUP_ALREADY_REGISTERED, ALREADY_REGISTERED_SUBJECT,
                "このメールアドレスのアカウントはすでに作成されています。パスワードをお忘れの場合は、"
                "ログインページの「パスワードをお忘れですか?」から再設定してください。")


def renewal_slip_order(serial: str, years: int, first: date, last: date) -> Mail:
    return Mail(RENEWAL_SLIP_ORDER, RENEWAL_ORDER_SUBJECT,
                f"シリアル番号 {serial} の契約更新({years}年)を振込用紙でのお支払いで承りました。"
                f"振込用紙は{japanese_date(first)}から{japanese_date(last)}ごろまでにお届けします。")


def queue(session: Session, to: str, mail: Mail) -> None:
    repository.queue_mail(session, to=to, template=mail.template, subject=mail.subject, body=mail.body)
