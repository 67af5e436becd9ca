"""Every query the bot runs. Functions take a Session and return frozen dataclasses.

Callers never hold ORM objects, so nothing can lazy-load after the session is gone
or write to the database by assigning an attribute. Identifiers are accepted as
customers type them and canonicalized here; one that cannot be canonicalized is
simply not found.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Iterable, Optional, Tuple

from sqlalchemy import delete, exists, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.domain import clock
from bot.domain.identifiers import canonical_activation_code, canonical_email, canonical_serial
from bot.domain.vocabulary import PAYMENT_SLIP
from bot.store import models as m


class StoreError(Exception):
    """A request the data cannot satisfy; the message names the offending value."""


class DuplicateAccount(StoreError):
    """The e-mail address already has a portal account (one account per address)."""


class UnknownActivationCode(StoreError):
    pass


class UnknownAccount(StoreError):
    pass


class UnknownLicence(StoreError):
    pass


class UnknownMail(StoreError):
    pass


class InvalidAddress(StoreError, ValueError):
    pass


@dataclass(frozen=True)
class ActivationCodeRecord:
    code: str
    company: str
    product: str
    contract_end: date
    premium_service: bool
    account_emails: Tuple[str, ...]


@dataclass(frozen=True)
class AccountRecord:
    email: str
    name: str
    phone: str
    company: str
    activation_code: str
    product: str
    contract_end: date
    premium_service: bool
    password_set: bool
    premium_contact: bool
    created_at: datetime


@dataclass(frozen=True)
class LicenceRecord:
    serial: str
    product: str
    owner_email: str
    expiry: date
    auto_renewal: bool


@dataclass(frozen=True)
class RenewalOrderRecord:
    id: int
    serial: str
    years: int
    payment_method: str
    status: str
    applied_on: date
    paid_on: Optional[date]
    payment_channel: Optional[str]


@dataclass(frozen=True)
class SubscriptionRecord:
    channel: str
    address: str
    owner_email: str


@dataclass(frozen=True)
class ReminderRecord:
    id: int
    channel: str
    address: str
    serial: str
    expiry: date
    stage: str
    status: str
    retry_key: str


@dataclass(frozen=True)
class MailRecord:
    id: int
    to_address: str
    template: str
    subject: str
    body: str
    created_at: datetime
    sent_at: Optional[datetime]
    attempts: int = 0


# --- portal accounts -------------------------------------------------------------


def find_activation_code(session: Session, code: str) -> Optional[ActivationCodeRecord]:
    canonical = canonical_activation_code(code)
    if canonical is None:
        return None
    row = session.execute(
        select(m.ActivationCode, m.Company)
        .join(m.Company, m.ActivationCode.company_id == m.Company.id)
        .where(m.ActivationCode.code == canonical)
    ).first()
    if row is None:
        return None
    activation, company = row
    emails = session.scalars(
        select(m.PortalAccount.email)
        .where(m.PortalAccount.activation_code_id == activation.id)
        .order_by(m.PortalAccount.email)
    ).all()
    return ActivationCodeRecord(
        code=activation.code,
        company=company.name,
        product=activation.product,
        contract_end=activation.contract_end,
        premium_service=activation.premium_service,
        account_emails=tuple(emails),
    )


def find_account(session: Session, email: str) -> Optional[AccountRecord]:
    canonical = canonical_email(email)
    if canonical is None:
        return None
    row = session.execute(
        select(m.PortalAccount, m.ActivationCode, m.Company)
        .join(m.ActivationCode, m.PortalAccount.activation_code_id == m.ActivationCode.id)
        .join(m.Company, m.ActivationCode.company_id == m.Company.id)
        .where(m.PortalAccount.email == canonical)
    ).first()
    if row is None:
        return None
    account, activation, company = row
    return AccountRecord(
        email=account.email,
        name=account.name,
        phone=account.phone,
        company=company.name,
        activation_code=activation.code,
        product=activation.product,
        contract_end=activation.contract_end,
        premium_service=activation.premium_service,
        password_set=account.password_set,
        premium_contact=account.premium_contact,
        created_at=account.created_at,
    )


def create_account(session: Session, *, email: str, name: str, phone: str, activation_code: str) -> AccountRecord:
    """Sign up: a new account whose password is still to be set from the welcome mail."""
    address = _address(email)
    code = canonical_activation_code(activation_code)
    activation_id = None
    if code is not None:
        activation_id = session.scalar(select(m.ActivationCode.id).where(m.ActivationCode.code == code))
    if activation_id is None:
        raise UnknownActivationCode(activation_code)
    account = m.PortalAccount(
        email=address,
        name=name,
        phone=phone,
        activation_code_id=activation_id,
        password_set=False,
        premium_contact=False,
        created_at=clock.now(),
    )
    # The unique index decides, so two simultaneous sign-ups cannot both win; the
    # savepoint keeps the caller's transaction usable after the losing insert.
    try:
        with session.begin_nested():
            session.add(account)
    except IntegrityError:
        if _account_id(session, address) is not None:
            raise DuplicateAccount(address) from None
        raise
    created = find_account(session, address)
    # The row inserted above, read back in the same transaction.
    assert created is not None
    return created


# --- CC addresses ----------------------------------------------------------------


def cc_addresses(session: Session, email: str) -> Optional[Tuple[str, ...]]:
    """The account's default CC addresses in the order they were added; None without an account."""
    account_id = _account_id(session, email)
    if account_id is None:
        return None
    return tuple(
        session.scalars(
            select(m.CcAddress.email).where(m.CcAddress.account_id == account_id).order_by(m.CcAddress.position)
        )
    )


def set_cc_addresses(session: Session, email: str, addresses: Iterable[str]) -> Tuple[str, ...]:
    """Replace the account's CC list; repeated addresses are kept once, in first position."""
    account_id = _account_id(session, email)
    if account_id is None:
        raise UnknownAccount(email)
    wanted = tuple(dict.fromkeys(_address(cc) for cc in addresses))
    # A Core delete runs at once; left to the unit of work, the inserts would run first
    # and collide with the old rows on (account_id, email).
    session.execute(delete(m.CcAddress).where(m.CcAddress.account_id == account_id))
    session.add_all(
        m.CcAddress(account_id=account_id, email=cc, position=position) for position, cc in enumerate(wanted)
    )
    session.flush()
    return wanted


def add_cc_address(session: Session, email: str, cc: str) -> Tuple[str, ...]:
    current = cc_addresses(session, email)
    if current is None:
        raise UnknownAccount(email)
    return set_cc_addresses(session, email, current + (cc,))


def remove_cc_address(session: Session, email: str, cc: str) -> Tuple[str, ...]:
    """Removing an address that is not on the list is not an error: the outcome is the same."""
    current = cc_addresses(session, email)
    if current is None:
        raise UnknownAccount(email)
    gone = canonical_email(cc)
    return set_cc_addresses(session, email, (c for c in current if c != gone))


def _account_id(session: Session, email: str) -> Optional[int]:
    address = canonical_email(email)
    if address is None:
        return None
    return session.scalar(select(m.PortalAccount.id).where(m.PortalAccount.email == address))


def _address(text: str) -> str:
    address = canonical_email(text)
    if address is None:
        raise InvalidAddress(text)
    return address


# --- licences and renewal --------------------------------------------------------


def find_licence(session: Session, serial: str) -> Optional[LicenceRecord]:
    canonical = canonical_serial(serial)
    if canonical is None:
        return None
    licence = session.scalar(select(m.Licence).where(m.Licence.serial == canonical))
    return None if licence is None else _licence_record(licence)


def licences_of(session: Session, email: str) -> Tuple[LicenceRecord, ...]:
    """The address's licences, soonest expiry first."""
    address = canonical_email(email)
    if address is None:
        return ()
    licences = session.scalars(
        select(m.Licence).where(m.Licence.owner_email == address).order_by(m.Licence.expiry, m.Licence.serial)
    )
    return tuple(_licence_record(licence) for licence in licences)


def create_renewal_order(
    session: Session,
    *,
    serial: str,
    years: int,
    payment_method: str = PAYMENT_SLIP,
    applied_on: Optional[date] = None,
) -> RenewalOrderRecord:
    """Record a renewal application. The 1-3 years rule is the database's to enforce."""
    canonical = canonical_serial(serial)
    licence_id = None
    if canonical is not None:
        licence_id = session.scalar(select(m.Licence.id).where(m.Licence.serial == canonical))
    if canonical is None or licence_id is None:
        raise UnknownLicence(serial)
    order = m.RenewalOrder(
        licence_id=licence_id,
        years=years,
        payment_method=payment_method,
        status=m.AWAITING_PAYMENT,
        applied_on=applied_on or clock.today(),
    )
    session.add(order)
    session.flush()
    return _order_record(order, canonical)


def latest_order(session: Session, serial: str) -> Optional[RenewalOrderRecord]:
    """The newest renewal order of the serial: what a payment-status question is about."""
    canonical = canonical_serial(serial)
    if canonical is None:
        return None
    order = session.scalar(
        select(m.RenewalOrder)
        .join(m.Licence, m.RenewalOrder.licence_id == m.Licence.id)
        .where(m.Licence.serial == canonical)
        .order_by(m.RenewalOrder.applied_on.desc(), m.RenewalOrder.id.desc())
        .limit(1)
    )
    return None if order is None else _order_record(order, canonical)


def _licence_record(licence: m.Licence) -> LicenceRecord:
    return LicenceRecord(
        serial=licence.serial,
        product=licence.product,
        owner_email=licence.owner_email,
        expiry=licence.expiry,
        auto_renewal=licence.auto_renewal,
    )


def _order_record(order: m.RenewalOrder, serial: str) -> RenewalOrderRecord:
    return RenewalOrderRecord(
        id=order.id,
        serial=serial,
        years=order.years,
        payment_method=order.payment_method,
        status=order.status,
        applied_on=order.applied_on,
        paid_on=order.paid_on,
        payment_channel=order.payment_channel,
    )


# --- mail outbox -----------------------------------------------------------------


def queue_mail(session: Session, to: str, template: str, subject: str, body: str) -> MailRecord:
    """Queue a mail; it goes out only if the surrounding transaction commits."""
    mail = m.OutboxMail(
        to_address=_address(to),
        template=template,
        subject=subject,
        body=body,
        created_at=clock.now(),
    )
    session.add(mail)
    session.flush()
    return _mail_record(mail)


def pending_mails(session: Session, limit: int = 100) -> Tuple[MailRecord, ...]:
    """Mail still to be delivered (neither sent nor given up), oldest first."""
    mails = session.scalars(_undelivered().order_by(m.OutboxMail.id).limit(limit))
    return tuple(_mail_record(mail) for mail in mails)


def _undelivered():
    return select(m.OutboxMail).where(m.OutboxMail.sent_at.is_(None), m.OutboxMail.failed_at.is_(None))


def outbox_counts(session: Session) -> Tuple[int, int]:
    """Mails still to be delivered, and mails given up."""
    waiting = session.scalar(select(func.count()).select_from(_undelivered().subquery()))
    given_up = session.scalar(select(func.count()).where(m.OutboxMail.failed_at.is_not(None)))
    return waiting, given_up


def claim_mail(session: Session, lease: timedelta) -> Optional[MailRecord]:
    """The oldest mail due for a try, counted as tried and held for `lease`; None when none is due.

    The claim is a conditional update: of two senders that pick the same mail, one changes the row
    and the other changes nothing and moves on. A sender killed mid-send leaves the mail held until
    the lease runs out; then it is due again.
    """
    now = clock.now()
    due = _undelivered().where(or_(m.OutboxMail.next_try_at.is_(None), m.OutboxMail.next_try_at <= now))
    for mail_id in session.scalars(due.with_only_columns(m.OutboxMail.id).order_by(m.OutboxMail.id).limit(20)):
        claimed = session.execute(
            update(m.OutboxMail)
            .where(
                m.OutboxMail.id == mail_id,
                m.OutboxMail.sent_at.is_(None),
                m.OutboxMail.failed_at.is_(None),
                or_(m.OutboxMail.next_try_at.is_(None), m.OutboxMail.next_try_at <= now),
            )
            .values(attempts=m.OutboxMail.attempts + 1, next_try_at=now + lease)
            .execution_options(synchronize_session=False)
        )
        if claimed.rowcount == 1:
            return _mail_record(session.get(m.OutboxMail, mail_id, populate_existing=True))
    return None


def mark_mail_sent(session: Session, mail_id: int) -> None:
    mail = session.get(m.OutboxMail, mail_id)
    if mail is None:
        raise UnknownMail(mail_id)
    mail.sent_at = clock.now()
    session.flush()


def mail_try_failed(session: Session, mail_id: int, error: str, retry_at: Optional[datetime]) -> None:
    """A try that did not deliver: tried again at `retry_at`, or never (None: given up)."""
    mail = session.get(m.OutboxMail, mail_id)
    if mail is None:
        raise UnknownMail(mail_id)
    mail.last_error = error[:200]
    if retry_at is None:
        mail.failed_at = clock.now()
    else:
        mail.next_try_at = retry_at
    session.flush()


def _mail_record(mail: m.OutboxMail) -> MailRecord:
    return MailRecord(
        id=mail.id,
        to_address=mail.to_address,
        template=mail.template,
        subject=mail.subject,
        body=mail.body,
        created_at=mail.created_at,
        sent_at=mail.sent_at,
        attempts=mail.attempts,
    )


# --- renewal reminders ------------------------------------------------------------


def subscribe_to_reminders(session: Session, channel: str, address: str, owner_email: str) -> None:
    """Reminders of `owner_email`'s licences go to `address` from now on (replacing an earlier wish there)."""
    owner = _address(owner_email)
    subscription = session.scalar(
        select(m.ReminderSubscription).where(
            m.ReminderSubscription.channel == channel, m.ReminderSubscription.address == address
        )
    )
    if subscription is None:
        session.add(m.ReminderSubscription(channel=channel, address=address, owner_email=owner, created_at=clock.now()))
    else:
        subscription.owner_email = owner
    session.flush()


def unsubscribe_from_reminders(session: Session, channel: str, address: str) -> bool:
    """No more reminders to `address`; False when none were asked for."""
    result = session.execute(
        delete(m.ReminderSubscription).where(
            m.ReminderSubscription.channel == channel, m.ReminderSubscription.address == address
        )
    )
    return result.rowcount > 0


def reminder_subscriptions(session: Session) -> Tuple[SubscriptionRecord, ...]:
    rows = session.scalars(select(m.ReminderSubscription).order_by(m.ReminderSubscription.id))
    return tuple(SubscriptionRecord(row.channel, row.address, row.owner_email) for row in rows)


def latest_live_order_applied_on(session: Session, serial: str) -> Optional[date]:
    """When the licence's newest order that was not cancelled was applied for, if any."""
    return session.scalar(
        select(m.RenewalOrder.applied_on)
        .join(m.Licence, m.RenewalOrder.licence_id == m.Licence.id)
        .where(m.Licence.serial == serial, m.RenewalOrder.status != m.CANCELLED)
        .order_by(m.RenewalOrder.applied_on.desc())
        .limit(1)
    )


def claim_reminder(
    session: Session, channel: str, address: str, serial: str, expiry: date, stage: str, retry_key: str
) -> ReminderRecord:
    """The reminder for this address, licence term and stage: claimed now, or as an earlier run left it.

    Only a pending one is still to be sent; the unique key makes a concurrent claim fail here.
    """
    licence_id = session.scalar(select(m.Licence.id).where(m.Licence.serial == serial))
    if licence_id is None:
        raise UnknownLicence(serial)
    key = dict(channel=channel, address=address, licence_id=licence_id, expiry=expiry, stage=stage)
    reminder = session.scalar(select(m.Reminder).filter_by(**key))
    if reminder is None:
        reminder = m.Reminder(**key, status=m.REMINDER_PENDING, retry_key=retry_key, created_at=clock.now())
        session.add(reminder)
        session.flush()
    return ReminderRecord(reminder.id, channel, address, serial, expiry, stage, reminder.status, reminder.retry_key)


def finish_reminder(session: Session, reminder_id: int, status: str) -> None:
    reminder = session.get(m.Reminder, reminder_id)
    reminder.status = status
    if status == m.REMINDER_SENT:
        reminder.sent_at = clock.now()
    session.flush()


# --- satisfaction ---------------------------------------------------------------


def record_csat(session: Session, sender_id: str, channel: str, score: int, session_started_at: datetime) -> bool:
    """Keep a rating of one session; False when that session was rated already (the first one stays)."""
    try:
        with session.begin_nested():
            session.add(
                m.CsatRating(
                    sender_id=sender_id,
                    session_started_at=session_started_at,
                    channel=channel,
                    score=score,
                    created_at=clock.now(),
                )
            )
    except IntegrityError:  # the unique key: this session has its rating
        return False
    return True


def record_csat_comment(session: Session, sender_id: str, session_started_at: datetime, comment: str) -> bool:
    """Keep the comment on a session's rating; False when that session has no rating or has its comment."""
    done = session.execute(
        update(m.CsatRating)
        .where(
            m.CsatRating.sender_id == sender_id,
            m.CsatRating.session_started_at == session_started_at,
            m.CsatRating.comment.is_(None),
        )
        .values(comment=comment)
    )
    return done.rowcount == 1


def csat_comments(session: Session, sender_id: str) -> Tuple[Optional[str], ...]:
    """The comments on one conversation's ratings, oldest first (None where there is none)."""
    return tuple(
        session.scalars(
            select(m.CsatRating.comment).where(m.CsatRating.sender_id == sender_id).order_by(m.CsatRating.id)
        )
    )


def csat_scores(session: Session, sender_id: str) -> Tuple[int, ...]:
    """The ratings one conversation gave, oldest first."""
    return tuple(
        session.scalars(select(m.CsatRating.score).where(m.CsatRating.sender_id == sender_id).order_by(m.CsatRating.id))
    )


# --- whole database (demo data) --------------------------------------------------


def is_empty(session: Session) -> bool:
    tables = m.Base.metadata.sorted_tables
    return not any(session.scalar(select(exists().select_from(table))) for table in tables)


def wipe(session: Session) -> None:
    """Delete every row, children before parents so foreign keys hold throughout."""
    for table in reversed(m.Base.metadata.sorted_tables):
        session.execute(delete(table))
