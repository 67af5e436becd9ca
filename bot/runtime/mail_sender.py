"""The outbox's sender: delivers the mails the bot queued (password setting, sign-up, renewal order,
reminders) over SMTP. `python -m bot.runtime.mail_sender` runs until stopped (make run starts it);
`--once` delivers what is due and exits, for cron.

Each mail is claimed before it is sent (bot.store.repository.claim_mail), so two senders never send
the same mail, and marked sent once the server took it. A try that fails is tried again later, the
wait doubling up to an hour (bot.support.mail_delivery); after BOT_MAIL_MAX_TRIES tries, or at once
when the server refuses for good (5xx), the mail is given up and an error is logged. A sender killed
between the server's "250 OK" and the mark would send that mail again: the copy carries the same
Message-ID, by which mail systems drop duplicates.

Settings, read and checked once at start (bot.settings.mail): BOT_SMTP_HOST (127.0.0.1),
BOT_SMTP_PORT (8025, the demo's sink), BOT_SMTP_SECURITY (none, starttls or tls), BOT_SMTP_USER
and BOT_SMTP_PASSWORD (both or neither), BOT_MAIL_FROM, BOT_SMTP_TIMEOUT_SECONDS (30),
BOT_MAIL_MAX_TRIES (12), BOT_MAIL_POLL_SECONDS (5). Logs name mails by number only, never by address.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections import Counter
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from typing import Optional

import aiosmtplib
from sqlalchemy.exc import OperationalError
from tenacity import retry, retry_if_exception_type, stop_after_attempt, wait_random

from bot import log_privacy
from bot.domain import clock
from bot.settings import CoreSettings, MailSettings, current, start
from bot.store import db, repository
from bot.store.repository import MailRecord
from bot.support.mail_delivery import retry_after

logger = logging.getLogger(__name__)


def message_of(mail: MailRecord, sender: str) -> EmailMessage:
    """The mail as it goes out: plain text in UTF-8, its Message-ID fixed by its outbox number."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = mail.to_address
    message["Subject"] = mail.subject
    message["Date"] = format_datetime(mail.created_at)
    domain = parseaddr(sender)[1].rpartition("@")[2]
    # The same on every try: a receiving system that saw it already drops the copy.
    message["Message-ID"] = f"<outbox-{mail.id}.{int(mail.created_at.timestamp())}@{domain}>"
    message.set_content(mail.body, subtype="plain", charset="utf-8")
    return message


def _permanent(error: Exception) -> bool:
    """A refusal the server would repeat (5xx): no such mailbox, a sender it will never accept."""
    if isinstance(error, aiosmtplib.SMTPRecipientsRefused):
        return all(refusal.code >= 500 for refusal in error.recipients)
    return isinstance(error, aiosmtplib.SMTPResponseException) and error.code >= 500


class MailSender:
    def __init__(self, settings: MailSettings, url: Optional[str] = None) -> None:
        self.settings = settings
        self.url = url

    async def deliver(self, mail: MailRecord) -> None:
        s = self.settings
        send = aiosmtplib.send(
            message_of(mail, s.sender),
            hostname=s.host,
            port=s.port,
            timeout=s.timeout,
            use_tls=s.security == "tls",
            start_tls=s.security == "starttls",
            username=s.user,
            password=s.password,
        )
        # One bound for the whole conversation with the server, not per reply: the claim outlives it.
        await asyncio.wait_for(send, 2 * s.timeout)

    async def send_due(self) -> Counter:
        """Every mail due now, one try each: counts of sent, retry (tried again later) and given_up."""
        counts: Counter = Counter()
        while True:
            mail = await asyncio.to_thread(self._in_session, repository.claim_mail, self.settings.lease)
            if mail is None:
                return counts
            counts[await self._try(mail)] += 1

    async def _try(self, mail: MailRecord) -> str:
        try:
            await self.deliver(mail)
        except (aiosmtplib.SMTPException, OSError, asyncio.TimeoutError) as error:
            reason = f"{type(error).__name__}: {error}"[:200]
            wait = retry_after(mail.attempts, self.settings.max_tries, _permanent(error))
            retry_at = None if wait is None else clock.now() + wait
            await asyncio.to_thread(self._in_session, repository.mail_try_failed, mail.id, reason, retry_at)
            if wait is None:
                logger.error("mail %d (%s) given up after %d tries: %s", mail.id, mail.template, mail.attempts, reason)
                return "given_up"
            logger.warning(
                "mail %d (%s) not delivered (try %d), tried again in %d s: %s",
                mail.id,
                mail.template,
                mail.attempts,
                wait.total_seconds(),
                reason,
            )
            return "retry"
        await asyncio.to_thread(self._in_session, repository.mark_mail_sent, mail.id)
        logger.info("mail %d (%s) delivered", mail.id, mail.template)
        return "sent"

    # Two senders on one SQLite file: the one whose read cannot become a write is told "locked" at
    # once (SQLite's way out of a deadlock). Each call is one transaction, safe to run again.
    @retry(
        retry=retry_if_exception_type(OperationalError),
        stop=stop_after_attempt(6),
        wait=wait_random(0.05, 0.5),
        reraise=True,
    )
    def _in_session(self, work, *args):
        with db.session_scope(self.url) as session:
            return work(session, *args)

    async def run_forever(self) -> None:
        while True:
            try:
                await self.send_due()
            except Exception:  # the database away, say: the sender stays up and tries again
                logger.exception("outbox not read; tried again in %.0f s", self.settings.poll)
            await asyncio.sleep(self.settings.poll)


def main(argv: Optional[list] = None) -> int:
    parser = argparse.ArgumentParser(description="Deliver the outbox's mails over SMTP.")
    parser.add_argument("--once", action="store_true", help="deliver what is due now and exit (for cron)")
    args = parser.parse_args(argv)
    start("mail sender", CoreSettings, MailSettings)
    log_privacy.install()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    db.upgrade_to_head()
    sender = MailSender(current(MailSettings))
    if not args.once:
        try:
            asyncio.run(sender.run_forever())
        except KeyboardInterrupt:
            pass
        return 0
    counts = asyncio.run(sender.send_due())
    print(f"送信 {counts['sent']} 件、再試行待ち {counts['retry']} 件、断念 {counts['given_up']} 件")
    # Non-zero so that cron tells someone.
    return 1 if counts["given_up"] else 0


if __name__ == "__main__":
    sys.exit(main())
