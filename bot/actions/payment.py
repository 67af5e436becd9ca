"""Where the customer's payment-slip payment should be by now."""

from __future__ import annotations

from datetime import date
from typing import Any, Dict, List, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.domain import clock
from bot.domain.phrasing import japanese_date
from bot.nlp.named_days import parse_japanese_date
from bot.support.payment import PaymentState, payment_status


class ValidatePaymentForm(FormValidationAction):
    def name(self) -> Text:
        return "validate_payment_form"

    async def extract_paid_on(self, dispatcher, tracker, domain) -> Dict[str, Any]:
        day = parse_japanese_date(tracker.latest_message.get("text") or "", clock.today())
        if day:
            return {"paid_on": day.isoformat()}
        if tracker.get_slot("requested_slot") == "paid_on" and tracker.get_intent_of_latest_message() == "inform":
            dispatcher.utter_message(response="utter_paid_on_not_understood")
        return {}

    async def validate_paid_on(self, value, dispatcher, tracker, domain) -> Dict[str, Any]:
        if date.fromisoformat(value) > clock.today():
            dispatcher.utter_message(response="utter_paid_on_in_future")
            return {"paid_on": None}
        return {"paid_on": value}


class ActionPaymentStatus(Action):
    def name(self) -> Text:
        return "action_payment_status"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Dict[Text, Any]]:
        channel = tracker.get_slot("payment_channel")
        paid_on = date.fromisoformat(tracker.get_slot("paid_on"))
        status = payment_status(channel, paid_on, clock.today())
        dispatcher.utter_message(
            response="utter_payment_overdue" if status.state is PaymentState.OVERDUE else "utter_payment_waiting",
            channel=channel,
            paid_on=japanese_date(paid_on),
            expected_by=japanese_date(status.expected_by),
        )
        # The next payment question starts from scratch; an overdue payment is what a
        # person taking over must know first.
        overdue = status.state is PaymentState.OVERDUE
        return [SlotSet("paid_on", None), SlotSet("payment_channel", None), SlotSet("payment_overdue", overdue or None)]
