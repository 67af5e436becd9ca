"""The customer's own portal account: its status, and the password-setting mail."""

from __future__ import annotations

from rasa_sdk.executor import CollectingDispatcher

from bot import services
from bot.actions import settings
from bot.domain.phrasing import japanese_date
from bot.services.accounts import PasswordMail
from bot.support.account import AccountState

_RESPONSE_OF_STATE = {
    AccountState.VALID: "utter_account_valid",
    AccountState.GRACE: "utter_account_grace",
    AccountState.EXPIRED: "utter_account_expired",
}
_RESPONSE_OF_PASSWORD_MAIL = {
    PasswordMail.QUEUED: "utter_password_mail_sent",
    PasswordMail.ALREADY_SET: "utter_password_already_set",
    PasswordMail.NO_ACCOUNT: "utter_account_not_found",
}


async def tell_account_status(dispatcher: CollectingDispatcher, email: str) -> None:
    standing = await services.accounts.standing_of(email, settings.account_grace_days())
    if standing is None:
        dispatcher.utter_message(response="utter_account_not_found")
        return
    dispatcher.utter_message(
        response=_RESPONSE_OF_STATE[standing.status.state],
        email=email,
        contract_end=japanese_date(standing.contract_end),
        last_usable=japanese_date(standing.status.last_usable),
    )
    if not standing.password_set and standing.status.state is not AccountState.EXPIRED:
        dispatcher.utter_message(response="utter_password_not_set")


async def resend_password_mail(dispatcher: CollectingDispatcher, email: str) -> None:
    outcome = await services.accounts.resend_password_mail(email)
    dispatcher.utter_message(response=_RESPONSE_OF_PASSWORD_MAIL[outcome], email=email)
