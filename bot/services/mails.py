"""The mails the bot writes to customers, and how they enter the outbox (bot.runtime.mail_sender sends them).

Their words are domain.yml's `utter_mail_*` responses (bot.services.responses). Queued in the
caller's session: a mail goes out only if what it announces (an account, an order) was stored in
the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from bot.domain.phrasing import japanese_date
from bot.services.responses import of_the_domain
from bot.store import repository

PASSWORD_SETTING = "password_setting"
SIGNUP_COMPLETED = "signup_completed"
SIGNUP_ALREADY_REGISTERED = "signup_already_registered"
RENEWAL_SLIP_ORDER = "renewal_slip_order"


@dataclass(frozen=True)
class Mail:
    template: str
    subject: str
    body: str


def _mail(template: str, subject: str, body: str, **values) -> Mail:
    words = of_the_domain()
    return Mail(template, words.text(subject), words.text(body, **values))


def password_setting(name: str) -> Mail:
    """Sent again on request while the account's password has not been set."""
    return _mail(PASSWORD_SETTING, "utter_mail_account_created_subject", "utter_mail_set_password", name=name)


def signup_completed(name: str) -> Mail:
    return _mail(SIGNUP_COMPLETED, "utter_mail_account_created_subject", "utter_mail_set_password", name=name)


def already_registered() -> Mail:
    """To the owner of an address that signed up again: only they read it, so the chat says the same either way."""
    return _mail(SIGNUP_ALREADY_REGISTERED, "utter_mail_already_registered_subject", "utter_mail_already_registered")


def renewal_slip_order(serial: str, years: int, first: date, last: date) -> Mail:
    return _mail(
        RENEWAL_SLIP_ORDER,
        "utter_mail_renewal_order_subject",
        "utter_mail_renewal_order",
        serial=serial,
        years=years,
        first=japanese_date(first),
        last=japanese_date(last),
    )


def queue(session: Session, to: str, mail: Mail) -> None:
    repository.queue_mail(session, to=to, template=mail.template, subject=mail.subject, body=mail.body)
