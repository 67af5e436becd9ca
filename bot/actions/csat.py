"""Satisfaction: ask once a session how helpful the bot was, keep the answer (1 to 5) and the
comment the customer writes after it."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot import services
from bot.actions.handoff import ActionTriageUnanswered
from bot.domain.clock import JST
from bot.nlp.pipeline import lemmas
from bot.nlp.questions import asks
from bot.support.satisfaction import ASK_RESPONSE, comment_of, score_of, session_started_at, should_ask
from bot.support.triage import reason_in_words

UNANSWERED = frozenset({"nlu_fallback", "out_of_scope"})


class ActionAskCsat(Action):
    def name(self) -> Text:
        return "action_ask_csat"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Dict[Text, Any]]:
        if should_ask(tracker.events, (tracker.active_loop or {}).get("name")):
            dispatcher.utter_message(response=ASK_RESPONSE)
        return []


class ActionRecordCsat(Action):
    def name(self) -> Text:
        return "action_record_csat"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Dict[Text, Any]]:
        score = score_of(next(tracker.get_latest_entity_values("csat_score"), None))
        started = session_started_at(tracker.events)
        if score is None or started is None:
            dispatcher.utter_message(response="utter_csat_invalid")
            return []
        channel = tracker.get_latest_input_channel() or "unknown"
        kept = await services.ratings.record_rating(
            tracker.sender_id, channel, score, datetime.fromtimestamp(started, JST)
        )
        dispatcher.utter_message(response="utter_csat_thanks" if kept else "utter_csat_already")
        return []


class ActionRecordCsatComment(Action):
    """Words the customer writes right after rating (data/rules/basics.yml: data given, not
    understood or not in the guides) are a comment on the rating, kept masked; a question, words
    that call for a person, or a second comment go on as they would have without the rating."""

    def name(self) -> Text:
        return "action_record_csat_comment"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Dict[Text, Any]]:
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        text = tracker.latest_message.get("text") or ""
        # A question, or words that call for a person (frustration, product trouble), are not a comment.
        comment = None if asks(text) or reason_in_words(text, lemmas(text)) else comment_of(text)
        started = session_started_at(tracker.events)
        if comment and started is not None:
            kept = await services.ratings.record_comment(
                tracker.sender_id, datetime.fromtimestamp(started, JST), comment
            )
            if kept:
                dispatcher.utter_message(response="utter_csat_comment_thanks")
                return []
        if intent in UNANSWERED:
            # Answered here, as the rule for these would have: a followup action would leave the
            # rules no step to take after it.
            return await ActionTriageUnanswered().run(dispatcher, tracker, domain)
        # data given without a question, as data/rules/account.yml answers it
        dispatcher.utter_message(response="utter_what_for")
        return []
