"""Carries out the task the customer asked for once verification has ended."""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.actions import reminders
from bot.actions.account import resend_password_mail, tell_account_status
from bot.actions.cc import manage_cc
from bot.actions.handoff import HANDOFF_SLOTS
from bot.actions.identity import verified_email
from bot.actions.renewal import tell_renewal_options
from bot.actions.renewal_application import RENEWAL_SLOTS, apply_renewal
from bot.actions.signup import SIGNUP_SLOTS

CC_SLOTS = ("cc_operation", "cc_address")
# Everything a task may leave behind; cancelling clears all of it.
TASK_SLOTS = ("task", *CC_SLOTS, *RENEWAL_SLOTS, *SIGNUP_SLOTS, *HANDOFF_SLOTS, "format_failures")


def _continues_in_a_form(events: List[Dict[Text, Any]]) -> bool:
    return any(event.get("event") == "followup" for event in events)


class ActionDoTask(Action):
    def name(self) -> Text:
        return "action_do_task"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Dict[Text, Any]]:
        email = verified_email(tracker)
        task = tracker.get_slot("task")
        if task == reminders.UNSUBSCRIBE:
            await reminders.unsubscribe(dispatcher, tracker, email)
            return [SlotSet("task", None)]
        if task == reminders.SUBSCRIBE and (email or reminders.needs_no_identity(tracker)):
            await reminders.subscribe(dispatcher, tracker, email)
            return [SlotSet("task", None)]
        if not email:
            # The form ended without a verified customer (the lock message has been said), or
            # the tracker claims one the action servers never verified: nothing is read or changed.
            return [SlotSet(slot, None) for slot in TASK_SLOTS]
        events: List[Dict[Text, Any]] = []
        if task == "account_status":
            await tell_account_status(dispatcher, email)
        elif task == "resend_password_mail":
            await resend_password_mail(dispatcher, email)
        elif task == "check_renewal":
            await tell_renewal_options(dispatcher, email, tracker.get_slot("serial_number"))
        elif task == "manage_cc":
            events = await manage_cc(
                dispatcher, email, tracker.get_slot("cc_operation"), tracker.get_slot("cc_address")
            )
            if not _continues_in_a_form(events):
                events += [SlotSet(slot, None) for slot in CC_SLOTS]
        elif task == "apply_renewal":
            events = await apply_renewal(dispatcher, tracker, email)
        if _continues_in_a_form(events):
            return events
        return [*events, SlotSet("task", None)]


class ActionCancelTask(Action):
    """「やめます」 in the middle of a form: stop asking, forget the half-given answers."""

    def name(self) -> Text:
        return "action_cancel_task"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Dict[Text, Any]]:
        dispatcher.utter_message(response="utter_task_cancelled")
        half_given = (*TASK_SLOTS, "email", "proof", "payment_channel", "paid_on")
        return [ActiveLoop(None), SlotSet("requested_slot", None), *(SlotSet(slot, None) for slot in half_given)]
