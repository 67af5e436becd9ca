"""Handing the conversation to a person: why, what the agent needs, the ticket, then quiet.

The actions read the conversation; bot.services.tickets triages, masks and files the ticket."""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text, Tuple

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, ConversationPaused, FollowupAction, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot import services
from bot.actions import settings
from bot.actions.forms import CountingFormValidation, entity_value
from bot.actions.identity import verified_email
from bot.actions.verification import is_locked
from bot.domain import clock
from bot.domain.identifiers import canonical_activation_code, canonical_serial
from bot.domain.phrasing import japanese_moment
from bot.metrics import HANDOFFS
from bot.nlp.pipeline import lemmas
from bot.services.tickets import HandoffRequest
from bot.support.business_hours import hours_in_words, is_open, next_opening
from bot.support.guide_answers import chosen_guide_answer, guide_answers_to_offer, read_beside_the_wish
from bot.support.triage import Reason, category, identifier_to_ask, reason_in_words

HANDOFF_SLOTS = ("handoff_reason", "contact_email", "handoff_identifier", "handoff_consent")
# What the agent needs of the slots, when the conversation filled them.
TICKET_DETAILS = ("serial_number", "proof", "handoff_identifier", "payment_channel", "paid_on", "renewal_product")
IDENTIFIER_KINDS = ("serial_number", "activation_code")
UNKNOWN_IDENTIFIER = "不明"
_INTRO_OF_REASON = {
    Reason.REPEATED_FALLBACK: "utter_handoff_intro_fallback",
    Reason.VERIFICATION_FAILED: "utter_handoff_intro_verification",
    Reason.PAYMENT_OVERDUE: "utter_handoff_intro_payment",
    Reason.THREAT_ANALYSIS: "utter_handoff_intro_threat",
    Reason.PRODUCT_TROUBLE: "utter_handoff_intro_product",
    Reason.FRUSTRATION: "utter_handoff_intro_frustration",
}
# Messages the bot could not answer: not understood, or understood as none of its topics.
UNANSWERED = frozenset({"nlu_fallback", "out_of_scope"})
# Intents that are about the handoff itself, not the customer's problem.
_NOT_A_QUESTION = frozenset({"request_human", "affirm", "deny", "inform", "greet", "thank", "goodbye"})


def topics(tracker: Tracker) -> List[str]:
    """The conversation's intents, oldest first, FAQ answers as faq/<key>."""
    found = []
    for event in tracker.events:
        if event.get("event") != "user":
            continue
        parse = event.get("parse_data") or {}
        intent = (parse.get("intent") or {}).get("name")
        beside = read_beside_the_wish(parse)
        if beside:
            found.append(beside)
        if intent:
            found.append(chosen_guide_answer(parse) or intent)
    return found


def last_question(tracker: Tracker) -> Optional[str]:
    """What the customer last asked before the handoff began (not the answers to its questions)."""
    events = list(tracker.events)
    starts = [i for i, e in enumerate(events) if e.get("event") == "action" and e.get("name") == "action_start_handoff"]
    for event in reversed(events[: starts[-1]] if starts else events):
        if event.get("event") == "user":
            parse = event.get("parse_data") or {}
            intent = (parse.get("intent") or {}).get("name")
            # 「振込用紙が届かないので担当者と話したい」 asks a question too.
            beside = read_beside_the_wish(parse)
            asks = intent not in _NOT_A_QUESTION or (beside and beside not in _NOT_A_QUESTION)
            if asks and event.get("text"):
                return event["text"]
    return None


class ActionStartHandoff(Action):
    """Says why a person takes over, then asks what the agent still needs."""

    def name(self) -> Text:
        return "action_start_handoff"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Dict[Text, Any]]:
        reason = Reason(tracker.get_slot("handoff_reason") or self._reason(tracker).value)
        if reason in _INTRO_OF_REASON:
            dispatcher.utter_message(response=_INTRO_OF_REASON[reason])
        return [
            SlotSet("handoff_reason", reason.value),
            SlotSet("contact_email", verified_email(tracker)),
            FollowupAction("handoff_form"),
        ]

    @staticmethod
    def _reason(tracker: Tracker) -> Reason:
        if tracker.get_slot("payment_overdue"):
            return Reason.PAYMENT_OVERDUE
        if is_locked(tracker):
            return Reason.VERIFICATION_FAILED
        text = tracker.latest_message.get("text") or ""
        return reason_in_words(text, lemmas(text)) or Reason.CUSTOMER_ASKED


class ActionTriageUnanswered(Action):
    """What the bot cannot answer: hand over when the words or a second miss say so; when it
    was only unsure which guide answer is meant, offer the likeliest to choose from."""

    def name(self) -> Text:
        return "action_triage_unanswered"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Dict[Text, Any]]:
        # Not get_intent_of_latest_message(): it would skip nlu_fallback, the case in point.
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        text = tracker.latest_message.get("text") or ""
        reason = reason_in_words(text, lemmas(text))
        if reason is None and intent in UNANSWERED and self._previous_intent(tracker) in UNANSWERED:
            reason = Reason.REPEATED_FALLBACK
        if reason is not None:
            return [SlotSet("handoff_reason", reason.value), FollowupAction("action_start_handoff")]
        offered = _titled(domain, guide_answers_to_offer(tracker.latest_message)) if intent == "nlu_fallback" else []
        if offered:
            # Each button gives its answer (bot/runtime/chosen_answers.py); the person stays one tap away.
            buttons = [{"title": title, "payload": f"/{answer}"} for answer, title in offered]
            dispatcher.utter_message(response="utter_did_you_mean", buttons=buttons + _person_buttons(domain))
            return []
        fallbacks: Dict[Optional[str], str] = {"nlu_fallback": "utter_default", "deny": "utter_deny"}
        fallback = fallbacks.get(intent, "utter_out_of_scope")
        dispatcher.utter_message(response=fallback)
        return []

    @staticmethod
    def _previous_intent(tracker: Tracker) -> Optional[str]:
        users = [e for e in tracker.events if e.get("event") == "user"]
        if len(users) < 2:
            return None
        return ((users[-2].get("parse_data") or {}).get("intent") or {}).get("name")


def _titled(domain: DomainDict, answers: List[str]) -> List[Tuple[str, str]]:
    """(faq/<key>, its button title from the domain) for the answers that have one."""
    responses = domain.get("responses") or {}
    titled = []
    for answer in answers:
        variants = responses.get(f"utter_title_{answer.split('/', 1)[1]}") or []
        if variants and variants[0].get("text"):
            titled.append((answer, variants[0]["text"]))
    return titled


def _person_buttons(domain: DomainDict) -> List[Dict[Text, Any]]:
    """The "not understood" reply's own button to a person, so both say it alike."""
    variants = (domain.get("responses") or {}).get("utter_default") or [{}]
    return list(variants[0].get("buttons") or [])


def latest_entity(tracker: Tracker, kind: str) -> Optional[str]:
    """The newest value of an entity anywhere in the conversation."""
    for event in reversed(tracker.events):
        if event.get("event") != "user":
            continue
        for entity in (event.get("parse_data") or {}).get("entities", []):
            if entity.get("entity") == kind:
                return entity.get("value")
    return None


def known_identifier(tracker: Tracker, kind: str) -> Optional[str]:
    """A serial or activation code the conversation already holds, so it is not asked again."""
    canonical = canonical_serial if kind == "serial_number" else canonical_activation_code
    for value in (tracker.get_slot("serial_number"), tracker.get_slot("proof")):
        if value and canonical(value):
            return value
    return latest_entity(tracker, kind)


class ValidateHandoffForm(CountingFormValidation):
    """Asks only what the agent needs and the conversation does not hold yet."""

    def name(self) -> Text:
        return "validate_handoff_form"

    async def required_slots(self, domain_slots, dispatcher, tracker, domain) -> List[Text]:
        reason = Reason(tracker.get_slot("handoff_reason") or Reason.CUSTOMER_ASKED.value)
        kind = identifier_to_ask(category(reason, topics(tracker)))
        # Once asked, the answer itself is a known identifier: keep the question until it is stored.
        asked = tracker.get_slot("requested_slot") == "handoff_identifier"
        if kind is None or verified_email(tracker) or (known_identifier(tracker, kind) and not asked):
            return [slot for slot in domain_slots if slot != "handoff_identifier"]
        return domain_slots

    async def extract_handoff_identifier(self, dispatcher, tracker, domain) -> Dict[str, Any]:
        if tracker.get_slot("requested_slot") != "handoff_identifier":
            return {}
        for entity in ("serial_number", "activation_code"):
            value = entity_value(tracker, entity)
            if value:
                return {"handoff_identifier": value}
        # 「わからない」 (or anything else) is an answer too: the agent can ask later.
        if tracker.get_intent_of_latest_message() not in ("faq", "request_human"):
            return {"handoff_identifier": UNKNOWN_IDENTIFIER}
        return {}

    async def extract_contact_email(self, dispatcher, tracker, domain) -> Dict[str, Any]:
        return self.email_answer(dispatcher, tracker, "contact_email")

    async def validate_contact_email(self, value, dispatcher, tracker, domain) -> Dict[str, Any]:
        return self.accepted("contact_email", value)

    async def extract_handoff_consent(self, dispatcher, tracker, domain) -> Dict[str, Any]:
        return self.yes_for(dispatcher, tracker, "handoff_consent")


def handoff_request(tracker: Tracker, reason: Reason) -> HandoffRequest:
    """What the conversation says that the ticket needs."""
    known = {kind: value for kind in IDENTIFIER_KINDS if (value := known_identifier(tracker, kind))}
    return HandoffRequest(
        sender_id=tracker.sender_id,
        channel=tracker.get_latest_input_channel() or "unknown",
        reason=reason,
        topics=topics(tracker),
        last_question=last_question(tracker),
        verified_email=verified_email(tracker),
        contact_email=tracker.get_slot("contact_email"),
        details={name: value for name in TICKET_DETAILS if (value := tracker.get_slot(name))},
        known_identifiers=known,
        product=latest_entity(tracker, "product"),
        events=tuple(tracker.events),
    )


class ActionCreateTicket(Action):
    def name(self) -> Text:
        return "action_create_ticket"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Dict[Text, Any]]:
        reason = Reason(tracker.get_slot("handoff_reason") or Reason.CUSTOMER_ASKED.value)
        number = await services.tickets.file_ticket(handoff_request(tracker, reason))
        HANDOFFS.labels(reason.value).inc()
        now, hours = clock.now(), settings.support_hours()
        if is_open(now, hours):
            dispatcher.utter_message(response="utter_handoff_created", number=number)
        else:
            opening = next_opening(now, hours)
            dispatcher.utter_message(
                response="utter_handoff_created_after_hours",
                number=number,
                hours=hours_in_words(hours),
                opening=japanese_moment(opening),
            )
        return [
            *(SlotSet(slot, None) for slot in HANDOFF_SLOTS),
            SlotSet("payment_overdue", None),
            ConversationPaused(),
        ]


class ActionSessionStart(Action):
    """Rasa's session start, but a conversation whose ticket is still with a person stays quiet.

    A new session would otherwise forget the pause: a customer who writes again an hour
    after an evening handoff would get the bot while the agent has not answered yet.
    """

    def name(self) -> Text:
        return "action_session_start"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Dict[Text, Any]]:
        events: List[Dict[Text, Any]] = [SessionStarted()]
        if domain.get("session_config", {}).get("carry_over_slots_to_new_session", True):
            events += [
                SlotSet(name, value) for name, value in tracker.slots.items() if name != "session_started_metadata"
            ]
        metadata = tracker.get_slot("session_started_metadata")
        if metadata:
            events.append(SlotSet("session_started_metadata", metadata))
        if await services.tickets.has_unfinished_ticket(tracker.sender_id):
            events.append(ConversationPaused())
        return [*events, ActionExecuted("action_listen")]
