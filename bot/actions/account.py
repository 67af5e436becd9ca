"""The customer's own portal account: its status, and the password-setting mail."""

from __future__ import annotations

from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.orm import Session

from bot.actions import settings
from bot.actions.phrasing import japanese_date
from bot.domain import clock
from bot.store import repository
from bot.store.db import in_session
from bot.support.account import AccountState, account_status

PASSWORD_MAIL_TEMPLATE = "password_setting"
PASSWORD_MAIL_SUBJECT = "トレンドマイクロ ビジネスサポートポータル■アカウント作成完了のお知らせ"

_RESPONSE_OF_STATE = {
    AccountState.VALID: "utter_account_valid",
    AccountState.GRACE: "utter_account_grace",
    AccountState.EXPIRED: "utter_account_expired",
}


async def tell_account_status(dispatcher: CollectingDispatcher, email: str) -> None:
    account = await in_session(lambda session: repository.find_account(session, email))
    if account is None:
        dispatcher.utter_message(response="utter_account_not_found")
        return
    status = account_status(account.contract_end, clock.today(), settings.account_grace_days())
    dispatcher.utter_message(
        response=_RESPONSE_OF_STATE[status.state],
        email=email,
        contract_end=japanese_date(account.contract_end),
        last_usable=japanese_date(status.last_usable),
    )
    if not account.password_set and status.state is not AccountState.EXPIRED:
        dispatcher.utter_message(response="utter_password_not_set")


def _queue_password_mail(session: Session, email: str) -> str:
    account = repository.find_account(session, email)
    if account is None:
        return "utter_account_not_found"
    if account.password_set:
        return "utter_password_already_set"
    repository.queue_mail(
        session,
        to=email,
        template=PASSWORD_MAIL_TEMPLATE,
        subject=PASSWORD_MAIL_SUBJECT,
        body=f"{account.name} 様\nメール内のパスワード欄にあるリンクから、パスワードを設定してください。",
    )
    return "utter_password_mail_sent"


async def resend_password_mail(dispatcher: CollectingDispatcher, email: str) -> None:
    response = await in_session(lambda session: _queue_password_mail(session, email))
    dispatcher.utter_message(response=response, email=email)
