"""The customer's opt-in and opt-out of renewal reminders (sent by bot.runtime.reminders)."""

from __future__ import annotations

from typing import Optional, Tuple

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot import services
from bot.support.reminders import line_push_target

SUBSCRIBE = "subscribe_reminders"
UNSUBSCRIBE = "unsubscribe_reminders"


def _on_line(tracker: Tracker) -> bool:
    return tracker.get_latest_input_channel() == "line"


def _destination(tracker: Tracker, email: Optional[str]) -> Tuple[str, Optional[str]]:
    """Where the reminders go: the LINE user's own ID on LINE, else the customer's address."""
    if _on_line(tracker):
        return services.reminders.ON_LINE, tracker.sender_id
    return services.reminders.BY_MAIL, email


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
    if _on_line(tracker) and not line_push_target(tracker.sender_id):
        dispatcher.utter_message(response="utter_reminders_not_in_group")
        return
    channel, address = _destination(tracker, email)
    if email is None or address is None:
        return
    await services.reminders.subscribe(channel, address, email)
    response = "utter_reminders_on_line" if _on_line(tracker) else "utter_reminders_by_mail"
    dispatcher.utter_message(response=response, email=email)


async def unsubscribe(dispatcher: CollectingDispatcher, tracker: Tracker, email: Optional[str]) -> None:
    channel, address = _destination(tracker, email)
    if address is None:
        return
    stopped = await services.reminders.unsubscribe(channel, address)
    dispatcher.utter_message(response="utter_reminders_stopped" if stopped else "utter_reminders_none")
