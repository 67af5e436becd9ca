"""The daily renewal-reminder job: `make remind` (python -m bot.runtime.reminders), for cron.

Customers who asked for reminders (a verified customer, in the chat) hear once when a licence
enters the last 30 days before its end, and once more after it has ended while it can still be
renewed (bot.support.reminders): on LINE by push, from the web chat by mail through the outbox.
Run it once a day in the daytime, for instance at 10:00 Japan time: between 21:00 and 9:00 it
sends nothing, and what was due goes out on the next run. A second run on the same day sends
nothing again; a push whose outcome was lost goes again with the same retry key, which LINE
delivers once.

Nothing personal is logged or printed: counts, reminder numbers and stages only.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Any, Dict, List, Optional

import aiohttp
from sqlalchemy.exc import IntegrityError

from bot import settings
from bot.channels.line_api import LineApi, LineApiError
from bot.channels.line_messages import LineOutput
from bot.domain import clock
from bot.domain.identifiers import mask_identifiers
from bot.domain.phrasing import japanese_date
from bot.services.responses import MAIL, of_the_domain
from bot.store import db, repository
from bot.store import models as m
from bot.store.repository import LicenceRecord, ReminderRecord, SubscriptionRecord
from bot.support.reminders import Stage, in_quiet_hours, line_push_target, reminder_stage, renewal_applied
from bot.support.renewal import renewal_window

logger = logging.getLogger(__name__)

RESPONSE_OF_STAGE = {Stage.BEFORE_END: "utter_reminder_before_end", Stage.AFTER_END: "utter_reminder_after_end"}
MAIL_SUBJECT_RESPONSE = "utter_reminder_mail_subject"
MAIL_TEMPLATE = "renewal_reminder"
# What the card's button sends: the renewal application, its serial already given.
RENEW_PAYLOAD = '/apply_renewal{{"serial_number": "{serial}"}}'


@dataclass(frozen=True)
class Due:
    subscription: SubscriptionRecord
    licence: LicenceRecord
    stage: Stage


def due_reminders(session, today: date) -> List[Due]:
    """Every reminder the subscriptions are owed today, sent or not."""
    due = []
    for subscription in repository.reminder_subscriptions(session):
        if subscription.channel == m.REMINDER_BY_LINE and not line_push_target(subscription.address):
            continue
        for licence in repository.licences_of(session, subscription.owner_email):
            applied = renewal_applied(repository.latest_live_order_applied_on(session, licence.serial), licence.expiry)
            stage = reminder_stage(licence.product, licence.expiry, today, applied)
            if stage is not None:
                due.append(Due(subscription, licence, stage))
    return due


class Wording:
    """The reminders' words: responses in domain.yml, filled by Rasa's own response generator."""

    def __init__(self) -> None:
        self._responses = of_the_domain()

    def message(self, due: Due, channel: str) -> Dict[str, Any]:
        licence = due.licence
        window = renewal_window(licence.product, licence.expiry)
        deadline = (
            self._text("utter_reminder_deadline", until=japanese_date(window[1]))
            if window
            else self._text("utter_reminder_no_deadline")
        )
        return self._responses.message(
            RESPONSE_OF_STAGE[due.stage],
            channel,
            serial_masked=mask_identifiers(licence.serial),
            product=licence.product,
            expiry=japanese_date(licence.expiry),
            deadline=deadline,
            renew_payload=RENEW_PAYLOAD.format(serial=licence.serial),
        )

    def mail_subject(self) -> str:
        return self._text(MAIL_SUBJECT_RESPONSE)

    def _text(self, response: str, **values: Any) -> str:
        return self._responses.text(response, MAIL, **values)


@dataclass
class Outcome:
    counts: Counter

    def line(self) -> str:
        c = self.counts
        return (
            f"更新のお知らせ: LINE {c['pushed']} 件、メール {c['mailed']} 件を送りました。"
            f"送信済み {c['already']} 件、月の上限で見送り {c['quota']} 件、次回に再送 {c['retry']} 件、"
            f"LINE が拒否 {c['refused']} 件。"
        )

    @property
    def trouble(self) -> bool:
        return bool(self.counts["retry"] or self.counts["refused"] or self.counts["quota"])


class ReminderJob:
    def __init__(self, line: Optional[LineApi], wording: Wording) -> None:
        self._line = line
        self._wording = wording

    async def run(self) -> Outcome:
        counts: Counter = Counter()
        moment = clock.now()
        if in_quiet_hours(moment):
            logger.info("quiet hours (21:00 to 9:00 JST): no reminder goes out now")
            counts["quiet"] = 1
            return Outcome(counts)
        due = await db.in_session(lambda session: due_reminders(session, moment.date()))
        quota = await self._line_quota() if any(d.subscription.channel == m.REMINDER_BY_LINE for d in due) else None
        for item in due:
            reminder = await self._claim(item)
            if reminder is None or reminder.status != m.REMINDER_PENDING:
                counts["already"] += 1
                continue
            if item.subscription.channel == m.REMINDER_BY_MAIL:
                # Awaited here, before the loop moves on to the next item.
                await db.in_session(lambda session: self._queue_mail(session, item, reminder))  # noqa: B023
                counts["mailed"] += 1
                continue
            if quota is not None and quota <= 0:
                counts["quota"] += 1
                continue
            result = await self._push(item, reminder)
            counts[result] += 1
            if result == "pushed" and quota is not None:
                quota -= 1
        return Outcome(counts)

    async def _claim(self, item: Due) -> Optional[ReminderRecord]:
        subscription = item.subscription
        try:
            return await db.in_session(
                lambda session: repository.claim_reminder(
                    session,
                    subscription.channel,
                    subscription.address,
                    item.licence.serial,
                    item.licence.expiry,
                    item.stage.value,
                    str(uuid.uuid4()),
                )
            )
        except IntegrityError:
            # Another run claimed it at the same moment: it is that run's to send.
            return None

    def _queue_mail(self, session, item: Due, reminder: ReminderRecord) -> None:
        # Queued and marked in one transaction: the mail exists exactly when the reminder counts as sent.
        text = self._wording.message(item, MAIL)["text"]
        repository.queue_mail(
            session,
            to=item.subscription.address,
            template=MAIL_TEMPLATE,
            subject=self._wording.mail_subject(),
            body=text,
        )
        repository.finish_reminder(session, reminder.id, m.REMINDER_SENT)

    async def _line_quota(self) -> Optional[int]:
        """Pushes left this month, None without a limit or when LINE does not say (LINE then refuses with 429)."""
        if self._line is None:
            return None
        try:
            quota = await self._line.call("GET", "/v2/bot/message/quota")
            if quota.get("type") != "limited":
                return None
            used = await self._line.call("GET", "/v2/bot/message/quota/consumption")
            return int(quota["value"]) - int(used["totalUsage"])
        except (LineApiError, aiohttp.ClientError, asyncio.TimeoutError, KeyError, ValueError, TypeError) as error:
            logger.warning("LINE quota unknown (%s): pushing, LINE refuses what is over", error)
            return None

    async def _push(self, item: Due, reminder: ReminderRecord) -> str:
        if self._line is None:
            logger.error(
                "reminder %d (%s) not pushed: LINE_CHANNEL_ACCESS_TOKEN is not set", reminder.id, item.stage.value
            )
            return "retry"
        output = LineOutput()
        await output.send_response(item.subscription.address, self._wording.message(item, "line"))
        try:
            await self._line.push(item.subscription.address, output.line_messages(), retry_key=reminder.retry_key)
        except LineApiError as error:
            if error.status == 429 or error.status >= 500:
                logger.warning(
                    "reminder %d (%s) not pushed, tried again next run: %s", reminder.id, item.stage.value, error
                )
                return "retry"
            # For good (the user blocked the account, for instance): a retry would be refused the same way.
            logger.error("reminder %d (%s) refused by LINE: %s", reminder.id, item.stage.value, error)
            await db.in_session(lambda session: repository.finish_reminder(session, reminder.id, m.REMINDER_FAILED))
            return "refused"
        except (aiohttp.ClientError, asyncio.TimeoutError) as error:
            logger.warning(
                "reminder %d (%s) not pushed, tried again next run: %s", reminder.id, item.stage.value, error
            )
            return "retry"
        await db.in_session(lambda session: repository.finish_reminder(session, reminder.id, m.REMINDER_SENT))
        logger.info("reminder %d (%s) pushed", reminder.id, item.stage.value)
        return "pushed"


async def run_once() -> Outcome:
    line_settings = settings.current(settings.LineSettings)
    token = line_settings.access_token
    line = LineApi(token, line_settings.api_base) if token else None
    try:
        return await ReminderJob(line, Wording()).run()
    finally:
        if line is not None:
            await line.close()


def main(argv: Optional[List[str]] = None) -> int:
    description = "Send the renewal reminders due today (once a day, in the daytime)."
    argparse.ArgumentParser(description=description).parse_args(argv)
    settings.start("reminders", settings.CoreSettings, settings.LineSettings)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    db.upgrade_to_head()
    outcome = asyncio.run(run_once())
    if outcome.counts["quiet"]:
        print("21:00〜9:00 はお知らせを送りません。9:00 以降にもう一度実行してください。")
        return 0
    print(outcome.line())
    # Non-zero so that cron tells someone: what is left goes out on the next run.
    return 1 if outcome.trouble else 0


if __name__ == "__main__":
    sys.exit(main())
