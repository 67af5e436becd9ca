"""Carries out the task the customer asked for once verification has ended."""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.actions.account import resend_password_mail, tell_account_status
from bot.actions.renewal import tell_renewal_options


class ActionDoTask(Action):
    def name(self) -> Text:
        return "action_do_task"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[Dict[Text, Any]]:
        email = tracker.get_slot("verified_email")
        task = tracker.get_slot("task")
        if not email:
            # The form ended without a verified customer: the lock message has been said.
            return [SlotSet("task", None)]
        if task == "account_status":
            await tell_account_status(dispatcher, email)
        elif task == "resend_password_mail":
            await resend_password_mail(dispatcher, email)
        elif task == "check_renewal":
            await tell_renewal_options(dispatcher, email, tracker.get_slot("serial_number"))
        return [SlotSet("task", None)]
