"""Portal accounts: where a customer's account stands, the password-setting mail again, and
signing up in the chat."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import Enum
from typing import Optional

from sqlalchemy.orm import Session

from bot.domain import clock
from bot.services import mails
from bot.store import repository
from bot.store.db import in_session
from bot.support.account import AccountStatus, account_status, can_sign_up


@dataclass(frozen=True)
class Standing:
    status: AccountStatus
    contract_end: date
    password_set: bool


class PasswordMail(str, Enum):
    QUEUED = "queued"
    ALREADY_SET = "already_set"
    NO_ACCOUNT = "no_account"


@dataclass(frozen=True)
class SignupCode:
    """An activation code as stored, and whether a new account may join it today."""

    code: str
    contract_end: date
    open: bool


async def standing_of(email: str, grace_days: int) -> Optional[Standing]:
    """The account's status today; None when the address has no account."""
    account = await in_session(lambda session: repository.find_account(session, email))
    if account is None:
        return None
    status = account_status(account.contract_end, clock.today(), grace_days)
    return Standing(status, account.contract_end, account.password_set)


def _queue_password_mail(session: Session, email: str) -> PasswordMail:
    account = repository.find_account(session, email)
    if account is None:
        return PasswordMail.NO_ACCOUNT
    if account.password_set:
        return PasswordMail.ALREADY_SET
    mails.queue(session, email, mails.password_setting(account.name))
    return PasswordMail.QUEUED


async def resend_password_mail(email: str) -> PasswordMail:
    return await in_session(lambda session: _queue_password_mail(session, email))


async def signup_code(code: str) -> Optional[SignupCode]:
    """The activation code as typed, looked up; None when there is no such code."""
    record = await in_session(lambda session: repository.find_activation_code(session, code))
    if record is None:
        return None
    return SignupCode(record.code, record.contract_end, can_sign_up(record.contract_end, clock.today()))


def _sign_up(session: Session, code: str, name: str, email: str, phone: str) -> bool:
    record = repository.find_activation_code(session, code)
    if record is None or not can_sign_up(record.contract_end, clock.today()):
        return False
    try:
        repository.create_account(session, email=email, name=name, phone=phone, activation_code=record.code)
    except repository.DuplicateAccount:
        mails.queue(session, email, mails.already_registered())
        return True
    mails.queue(session, email, mails.signup_completed(name))
    return True


async def sign_up(code: str, name: str, email: str, phone: str) -> bool:
    """Create the account and queue its welcome mail, or tell the address's owner it exists.

    False, with nothing written, when the activation code cannot take a new account: the
    form checked it, but a forged or stale call must not create one.
    """
    return await in_session(lambda session: _sign_up(session, code, name, email, phone))
