"""The customer's opt-in and opt-out of renewal reminders (sent by bot.runtime.reminders)."""

from __future__ import annotations

from typing import Optional

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.store import repository
from bot.store.db import in_session
from bot.store.models import REMINDER_BY_LINE, REMINDER_BY_MAIL
from bot.support.reminders import line_push_target

SUBSCRIBE = "subscribe_reminders"
UNSUBSCRIBE = "unsubscribe_reminders"


def _on_line(tracker: Tracker) -> bool:
    return tracker.get_latest_input_channel() == "line"


def needs_no_identity(tracker: Tracker) -> bool:
    """Whether the reminder task goes ahead without verification.

    On LINE the user ID the pushes go to is the customer's own, so stopping them needs no
    proof; a group is refused before anyone types an address into it.
    """
    if not _on_line(tracker):
        return False
    task = tracker.get_slot("task")
    return task == UNSUBSCRIBE or (task == SUBSCRIBE and not line_push_target(tracker.sender_id))


async def subscribe(dispatcher: CollectingDispatcher, tracker: Tracker, email: Optional[str]) -> None:
    if _on_line(tracker):
        if not line_push_target(tracker.sender_id):
            dispatcher.utter_message(response="utter_reminders_not_in_group")
            return
        channel, address = REMINDER_BY_LINE, tracker.sender_id
    else:
        channel, address = REMINDER_BY_MAIL, email
    if email is None:
        return
    await in_session(lambda session: repository.subscribe_to_reminders(session, channel, address, email))
    response = ("utter_reminders_on_line" if channel == REMINDER_BY_LINE
                else "utter_reminders_by_mail")
    dispatcher.utter_message(response=response, email=email)


async def unsubscribe(dispatcher: CollectingDispatcher, tracker: Tracker, email: Optional[str]) -> None:
    channel, address = (REMINDER_BY_LINE, tracker.sender_id) if _on_line(tracker) else (REMINDER_BY_MAIL, email)
    if address is None:
        return
    stopped = await in_session(lambda session: repository.unsubscribe_from_reminders(session, channel, address))
    dispatcher.utter_message(response="utter_reminders_stopped" if stopped else "utter_reminders_none")
