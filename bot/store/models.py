"""The schema. Identifiers are stored in the canonical forms of bot.domain.identifiers.

The database enforces what must never be wrong whoever writes to it (unique e-mail
addresses and serials, lowercase addresses, 1 to 3 renewal years, known payment
values); the migrations under migrations/versions/ must be kept in step with this file.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Iterable, Optional

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import declarative_base, relationship
from sqlalchemy.types import TypeDecorator

from bot.domain.clock import JST
from bot.domain.vocabulary import (
    CONVENIENCE_STORE,
    CONVENIENCE_STORE_PAYMENT,
    CREDIT_CARD,
    PAYMENT_SLIP,
    POST_OFFICE,
)
from bot.support.reminders import Stage

# Named constraints, so later migrations (and SQLite batch mode) can find them by name.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# SQLAlchemy 1.4 ships no types, so this is Any to mypy; only a base annotated Any, not one whose
# type is inferred, may be subclassed.
Base: Any = declarative_base(metadata=MetaData(naming_convention=NAMING_CONVENTION))

EMAIL_LENGTH = 254
ACTIVATION_CODE_LENGTH = len("TB-3KQ7-M2X9P-4HD8W-7RT5N-Q6J3C-9ZV2L")
SERIAL_LENGTH = len("VBCL-4821-7730-1956-2204")

# Payment methods and channels are stored by their names in bot.domain.vocabulary, which the NLU
# gives as entity values too: the two compare as they are.
PAYMENT_METHODS = (PAYMENT_SLIP, CREDIT_CARD, CONVENIENCE_STORE_PAYMENT)
PAYMENT_CHANNELS = (CONVENIENCE_STORE, POST_OFFICE)

AWAITING_PAYMENT = "awaiting_payment"
PAID = "paid"
CANCELLED = "cancelled"
ORDER_STATUSES = (AWAITING_PAYMENT, PAID, CANCELLED)


def _one_of(column: str, values: Iterable[str]) -> str:
    quoted = ", ".join(f"'{value}'" for value in values)
    return f"{column} IN ({quoted})"


class AwareDateTime(TypeDecorator):
    """Timezone-aware in and out on every backend: SQLite would silently drop the offset."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Optional[datetime], dialect: Dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime; use bot.domain.clock.now()")
        return value.astimezone(timezone.utc)

    def process_result_value(self, value: Optional[datetime], dialect: Dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return value.astimezone(JST)


class Company(Base):
    __tablename__ = "companies"

    id = Column(Integer, primary_key=True)
    name = Column(String(200), nullable=False)


class ActivationCode(Base):
    __tablename__ = "activation_codes"
    __table_args__ = (
        CheckConstraint(f"code = upper(code) AND length(code) = {ACTIVATION_CODE_LENGTH}", name="code_canonical"),
    )

    id = Column(Integer, primary_key=True)
    code = Column(String(ACTIVATION_CODE_LENGTH), nullable=False, unique=True)
    company_id = Column(ForeignKey("companies.id"), nullable=False, index=True)
    product = Column(String(100), nullable=False)
    contract_end = Column(Date, nullable=False)
    premium_service = Column(Boolean, nullable=False, default=False)

    company = relationship(Company)


class PortalAccount(Base):
    __tablename__ = "portal_accounts"
    __table_args__ = (CheckConstraint("email = lower(email)", name="email_lowercase"),)

    id = Column(Integer, primary_key=True)
    email = Column(String(EMAIL_LENGTH), nullable=False, unique=True)
    name = Column(String(100), nullable=False)
    phone = Column(String(30), nullable=False)
    activation_code_id = Column(ForeignKey("activation_codes.id"), nullable=False, index=True)
    password_set = Column(Boolean, nullable=False, default=False)
    premium_contact = Column(Boolean, nullable=False, default=False)
    created_at = Column(AwareDateTime, nullable=False)

    activation_code = relationship(ActivationCode)


class CcAddress(Base):
    """An address the portal copies on every answer to the account's inquiries."""

    __tablename__ = "cc_addresses"
    # The unique (account_id, email) index also serves lookups by account.
    __table_args__ = (
        UniqueConstraint("account_id", "email"),
        CheckConstraint("email = lower(email)", name="email_lowercase"),
        CheckConstraint("position >= 0", name="position_not_negative"),
    )

    id = Column(Integer, primary_key=True)
    account_id = Column(ForeignKey("portal_accounts.id", ondelete="CASCADE"), nullable=False)
    email = Column(String(EMAIL_LENGTH), nullable=False)
    position = Column(Integer, nullable=False)

    account = relationship(PortalAccount)


class Licence(Base):
    __tablename__ = "licences"
    __table_args__ = (
        CheckConstraint(f"serial = upper(serial) AND length(serial) = {SERIAL_LENGTH}", name="serial_canonical"),
        CheckConstraint("owner_email = lower(owner_email)", name="owner_email_lowercase"),
    )

    id = Column(Integer, primary_key=True)
    serial = Column(String(SERIAL_LENGTH), nullable=False, unique=True)
    product = Column(String(100), nullable=False)
    owner_email = Column(String(EMAIL_LENGTH), nullable=False, index=True)
    expiry = Column(Date, nullable=False)
    auto_renewal = Column(Boolean, nullable=False, default=False)


class RenewalOrder(Base):
    __tablename__ = "renewal_orders"
    __table_args__ = (
        CheckConstraint("years BETWEEN 1 AND 3", name="years_1_to_3"),
        CheckConstraint(_one_of("payment_method", PAYMENT_METHODS), name="payment_method_known"),
        CheckConstraint(_one_of("status", ORDER_STATUSES), name="status_known"),
        CheckConstraint(
            f"payment_channel IS NULL OR {_one_of('payment_channel', PAYMENT_CHANNELS)}",
            name="payment_channel_known",
        ),
        # A paid order without a payment date (or the reverse) would mislead the
        # payment-status answer.
        CheckConstraint(
            f"(status = '{PAID}' AND paid_on IS NOT NULL) OR (status <> '{PAID}' AND paid_on IS NULL)",
            name="paid_on_iff_paid",
        ),
        CheckConstraint("paid_on IS NULL OR paid_on >= applied_on", name="paid_after_applied"),
        # The payment-status lookup reads the newest order of one licence.
        Index(None, "licence_id", "applied_on"),
    )

    id = Column(Integer, primary_key=True)
    licence_id = Column(ForeignKey("licences.id"), nullable=False)
    years = Column(Integer, nullable=False)
    payment_method = Column(String(30), nullable=False)
    status = Column(String(20), nullable=False, default=AWAITING_PAYMENT)
    applied_on = Column(Date, nullable=False)
    paid_on = Column(Date)
    payment_channel = Column(String(30))

    licence = relationship(Licence)


class OutboxMail(Base):
    """Mail the bot wants sent. The sender (bot.runtime.mail_sender) claims it by setting next_try_at past
    now, counts the try, and sets sent_at when the SMTP server took it, or failed_at when it gives up."""

    __tablename__ = "outbox_mails"
    # The sender scans for unsent mail in queueing order.
    __table_args__ = (Index(None, "sent_at", "id"),)

    id = Column(Integer, primary_key=True)
    to_address = Column(String(EMAIL_LENGTH), nullable=False)
    template = Column(String(50), nullable=False)
    subject = Column(String(200), nullable=False)
    body = Column(Text, nullable=False)
    created_at = Column(AwareDateTime, nullable=False)
    sent_at = Column(AwareDateTime)
    attempts = Column(Integer, nullable=False, default=0, server_default="0")
    next_try_at = Column(AwareDateTime)
    last_error = Column(String(200))
    failed_at = Column(AwareDateTime)


REMINDER_BY_LINE = "line"
REMINDER_BY_MAIL = "mail"
REMINDER_CHANNELS = (REMINDER_BY_LINE, REMINDER_BY_MAIL)
REMINDER_STAGES = tuple(stage.value for stage in Stage)
REMINDER_PENDING = "pending"
REMINDER_SENT = "sent"
# LINE refused it for good (the user blocked the account, for instance): not tried again.
REMINDER_FAILED = "failed"
REMINDER_STATUSES = (REMINDER_PENDING, REMINDER_SENT, REMINDER_FAILED)
ADDRESS_LENGTH = 255


class ReminderSubscription(Base):
    """A verified customer's opt-in to hear when their licences near or pass their end.

    `address` is where reminders go: a LINE user ID, or the verified e-mail address for mail.
    One subscription per address; asking again with another identity replaces it.
    """

    __tablename__ = "reminder_subscriptions"
    __table_args__ = (
        UniqueConstraint("channel", "address"),
        CheckConstraint(_one_of("channel", REMINDER_CHANNELS), name="channel_known"),
        CheckConstraint("owner_email = lower(owner_email)", name="owner_email_lowercase"),
    )

    id = Column(Integer, primary_key=True)
    channel = Column(String(10), nullable=False)
    address = Column(String(ADDRESS_LENGTH), nullable=False)
    owner_email = Column(String(EMAIL_LENGTH), nullable=False)
    created_at = Column(AwareDateTime, nullable=False)


class Reminder(Base):
    """One reminder to one address for one licence term and stage, claimed before it is sent.

    The unique key is what keeps a second run, or a second job, from sending it again; the
    retry key goes with every attempt to push it, so LINE delivers it once even when an
    attempt's answer is lost.
    """

    __tablename__ = "reminders"
    __table_args__ = (
        UniqueConstraint("channel", "address", "licence_id", "expiry", "stage"),
        CheckConstraint(_one_of("channel", REMINDER_CHANNELS), name="channel_known"),
        CheckConstraint(_one_of("stage", REMINDER_STAGES), name="stage_known"),
        CheckConstraint(_one_of("status", REMINDER_STATUSES), name="status_known"),
    )

    id = Column(Integer, primary_key=True)
    channel = Column(String(10), nullable=False)
    address = Column(String(ADDRESS_LENGTH), nullable=False)
    licence_id = Column(ForeignKey("licences.id", ondelete="CASCADE"), nullable=False)
    expiry = Column(Date, nullable=False)
    stage = Column(String(20), nullable=False)
    status = Column(String(10), nullable=False, default=REMINDER_PENDING)
    retry_key = Column(String(36), nullable=False)
    created_at = Column(AwareDateTime, nullable=False)
    sent_at = Column(AwareDateTime)


# Triage categories and priorities of handoff tickets, as the agents' inbox shows them.
TICKET_CATEGORIES = ("ポータルアカウント", "ログイン", "契約更新・支払い", "製品の問い合わせ", "脅威解析", "その他")
HIGH = "high"
NORMAL = "normal"
TICKET_PRIORITIES = (HIGH, NORMAL)
TICKET_OPEN = "open"
TICKET_CLAIMED = "claimed"
TICKET_CLOSED = "closed"
TICKET_STATUSES = (TICKET_OPEN, TICKET_CLAIMED, TICKET_CLOSED)


class Ticket(Base):
    """A conversation handed to a person, with what the bot learned for the agent.

    The transcript and fields are stored masked (bot.support.triage): the ticket is read
    by many agents, and none of them needs a full serial or code to start.
    """

    __tablename__ = "tickets"
    __table_args__ = (
        CheckConstraint(_one_of("category", TICKET_CATEGORIES), name="category_known"),
        CheckConstraint(_one_of("priority", TICKET_PRIORITIES), name="priority_known"),
        CheckConstraint(_one_of("status", TICKET_STATUSES), name="status_known"),
        # The inbox lists unfinished tickets by priority and age.
        Index(None, "status", "priority", "created_at"),
    )

    id = Column(Integer, primary_key=True)
    sender_id = Column(String(255), nullable=False, index=True)
    channel = Column(String(30), nullable=False)
    category = Column(String(30), nullable=False)
    priority = Column(String(10), nullable=False)
    status = Column(String(10), nullable=False, default=TICKET_OPEN)
    summary = Column(Text, nullable=False)
    # What the customer last asked before the handoff, masked; retention removes it with the transcript.
    last_question = Column(Text)
    verified_email = Column(String(EMAIL_LENGTH))
    contact_email = Column(String(EMAIL_LENGTH))
    fields = Column(Text, nullable=False)
    transcript = Column(Text, nullable=False)
    # How many events the conversation had at the handoff: the inbox shows what came after.
    conversation_offset = Column(Integer, nullable=False)
    agent = Column(String(100))
    created_at = Column(AwareDateTime, nullable=False)
    updated_at = Column(AwareDateTime, nullable=False)
    closed_at = Column(AwareDateTime)


CSAT_SCORES = range(1, 6)


class CsatRating(Base):
    """How helpful a customer found the bot in one session of their conversation, 1 to 5.

    One per session: the unique key turns a second rating of the same session away.
    """

    __tablename__ = "csat_ratings"
    __table_args__ = (
        UniqueConstraint("sender_id", "session_started_at"),
        CheckConstraint("score BETWEEN 1 AND 5", name="score_1_to_5"),
    )

    id = Column(Integer, primary_key=True)
    sender_id = Column(String(255), nullable=False)
    channel = Column(String(30), nullable=False)
    score = Column(Integer, nullable=False)
    session_started_at = Column(AwareDateTime, nullable=False)
    created_at = Column(AwareDateTime, nullable=False)
    comment = Column(Text)  # what the customer wrote after rating, masked


class ReviewLabel(Base):
    """What a supervisor said a customer message from the review queue meant (bot.store.review).

    The message is the `user` event `event_id` of Rasa's tracker store, which may be another
    database: hence no foreign key. Its text is kept masked, so that the training data outlives
    the conversation (`make purge`) without keeping what identifies the customer.
    """

    __tablename__ = "review_labels"
    # One label per message: a labelled message leaves the queue for good. Event ids lead, for the
    # queue's look-up of the messages it is about to show.
    __table_args__ = (UniqueConstraint("event_id", "sender_id"),)

    id = Column(Integer, primary_key=True)
    event_id = Column(Integer, nullable=False)
    sender_id = Column(String(255), nullable=False)
    text = Column(Text, nullable=False)
    # What the bot read: an intent, or faq/<key> for a guide answer.
    read_as = Column(String(100))
    # An intent of domain.yml, faq/<key>, out_of_scope, or ignore (never exported).
    label = Column(String(100), nullable=False)
    written_at = Column(AwareDateTime, nullable=False)
    labelled_by = Column(String(100), nullable=False)
    labelled_at = Column(AwareDateTime, nullable=False)
