"""Satisfaction: ask once a session how helpful the bot was, and keep the answer (1 to 5)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.clock import JST
from bot.store import repository
from bot.store.db import in_session
from bot.support.satisfaction import ASK_RESPONSE, score_of, session_started_at, should_ask


class ActionAskCsat(Action):
    def name(self) -> Text:
        return "action_ask_csat"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[Dict[Text, Any]]:
        if should_ask(tracker.events, (tracker.active_loop or {}).get("name")):
            dispatcher.utter_message(response=ASK_RESPONSE)
        return []


class ActionRecordCsat(Action):
    def name(self) -> Text:
        return "action_record_csat"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[Dict[Text, Any]]:
        score = score_of(next(tracker.get_latest_entity_values("csat_score"), None))
        started = session_started_at(tracker.events)
        if score is None or started is None:
            dispatcher.utter_message(response="utter_csat_invalid")
            return []
        channel = tracker.get_latest_input_channel() or "unknown"
        kept = await in_session(lambda session: repository.record_csat(
            session, tracker.sender_id, channel, score, datetime.fromtimestamp(started, JST)))
        dispatcher.utter_message(response="utter_csat_thanks" if kept else "utter_csat_already")
        return []
