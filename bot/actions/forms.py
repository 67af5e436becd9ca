"""What every form of the bot shares: counting badly formatted answers, and telling an
answer apart from a side question."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, Dict, Optional, Text

from rasa_sdk import FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.actions import settings

# Messages that are not an answer to the form's question, whatever they contain: the
# rules answer them (a question from the guides, a request for a person, cancelling).
NOT_AN_ANSWER = frozenset(
    {
        "faq",
        "request_human",
        "deny",
        "goodbye",
        "thank",
        "bot_challenge",
        "greet",
        "out_of_scope",
    }
)


def entity_value(tracker: Tracker, entity: str) -> Optional[str]:
    return next(tracker.get_latest_entity_values(entity), None)


def is_answer_to(tracker: Tracker, slot: str) -> bool:
    """Whether the latest message answers the form's question for `slot`."""
    # A message understood as nothing (nlu_fallback) is judged as an answer: a name or an
    # address with odd characters in it often is one. Its runner-up intent is only a guess.
    return (
        tracker.get_slot("requested_slot") == slot
        and tracker.get_intent_of_latest_message(skip_fallback_intent=False) not in NOT_AN_ANSWER
    )


class CountingFormValidation(FormValidationAction, ABC):
    """A form validation that explains the expected format after repeated bad answers."""

    # Abstract, so that the action server does not try to register this base itself.
    @abstractmethod
    def name(self) -> Text: ...

    async def run(self, dispatcher, tracker, domain):
        before = tracker.get_slot("format_failures")
        events = await super().run(dispatcher, tracker, domain)
        # The SDK keeps only the form's own slots from what extract_* returns; the
        # count of badly formatted answers must survive to the next turn too.
        after = tracker.slots.get("format_failures")
        if after != before and not any(e.get("name") == "format_failures" for e in events):
            events.append(SlotSet("format_failures", after))
        return events

    @staticmethod
    def format_failure(dispatcher: CollectingDispatcher, tracker: Tracker, response: str) -> Dict[str, Any]:
        failures = (tracker.get_slot("format_failures") or 0) + 1
        if failures >= settings.EXPLAIN_FORMAT_AFTER:
            dispatcher.utter_message(response=response)
        return {"format_failures": failures}

    def email_answer(self, dispatcher: CollectingDispatcher, tracker: Tracker, slot: str) -> Dict[str, Any]:
        """An e-mail address given for `slot` (only when asked: others mean other things)."""
        value = entity_value(tracker, "email")
        if value and tracker.get_slot("requested_slot") == slot:
            return {slot: value}
        if is_answer_to(tracker, slot):
            return self.format_failure(dispatcher, tracker, "utter_email_format")
        return {}

    @staticmethod
    def accepted(slot: str, value: Any) -> Dict[str, Any]:
        """A good answer: keep it and start counting bad ones afresh."""
        return {slot: value, "format_failures": 0}

    def yes_for(self, dispatcher: CollectingDispatcher, tracker: Tracker, slot: str) -> Dict[str, Any]:
        """Only a yes fills a confirmation; a no is the rule that cancels the form. Anything else
        (「わからない」) is asked again, and after repeated ones the customer hears how to answer:
        rejected, the form would leave the question to rules that know nothing of it."""
        if tracker.get_slot("requested_slot") == slot and tracker.get_intent_of_latest_message() == "affirm":
            return {slot: True}
        if is_answer_to(tracker, slot):
            return self.format_failure(dispatcher, tracker, "utter_yes_or_no")
        return {}
