"""A known set of conversations for the analytics tests, written by Rasa's own SQLTrackerStore, with the
tickets and ratings the bot would have filed, and the figures they must give.

Two days (2026-11-21 and 2026-11-22, Japan time) and three channels; the clock stands at
2026-11-22 12:00. What each conversation must count as is said beside it.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Dict, List, Optional

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import (
    ActionExecuted,
    ActiveLoop,
    BotUttered,
    ConversationPaused,
    Event,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

from bot.domain.clock import JST
from bot.store import models as m
from bot.store import repository, tickets
from bot.store.db import session_scope

FIRST_DAY, LAST_DAY = date(2026, 11, 21), date(2026, 11, 22)
NOW = datetime(2026, 11, 22, 12, 0, tzinfo=JST)


def at(day: int, hour: int, minute: int) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=JST)


class Conversation:
    """Events of one customer as Rasa logs them, a few seconds apart."""

    def __init__(self, sender_id: str, channel: str) -> None:
        self.sender_id, self.channel = sender_id, channel
        self.events: List[Event] = []
        self.clock = 0.0
        self.sessions: List[datetime] = []  # when each session_started event was logged
        self.ticket_filed: Optional[datetime] = None

    def _add(self, event_type, *args, **kwargs) -> "Conversation":
        self.clock += 2
        self.events.append(event_type(*args, timestamp=self.clock, **kwargs))
        return self

    def session(self, start: datetime) -> "Conversation":
        self.clock = start.timestamp() - 2
        self._add(ActionExecuted, "action_session_start")._add(SessionStarted)
        self.sessions.append(datetime.fromtimestamp(self.clock, JST))
        return self._add(ActionExecuted, "action_listen")

    def says(self, text: str, intent: str) -> "Conversation":
        self._add(UserUttered, text, {"name": intent, "confidence": 0.9}, input_channel=self.channel)
        return self

    def bot(self, action: str, text: str = "はい。") -> "Conversation":
        self._add(ActionExecuted, action)
        if action.startswith("utter_"):
            self._add(BotUttered, text, metadata={"utter_action": action})
        return self._add(ActionExecuted, "action_listen")

    def form(self, name: str) -> "Conversation":
        return self._add(ActionExecuted, name)._add(ActiveLoop, name)

    def form_done(self, name: str) -> "Conversation":
        return self._add(ActionExecuted, name)._add(ActiveLoop, None)

    def event(self, event_type, *args) -> "Conversation":
        return self._add(event_type, *args)


def conversations() -> List[Conversation]:
    web = Conversation("web-returning", "socketio")
    # 11-21 socketio, resolved without a person: 2 messages (the opening /greet is not one), rated 5.
    web.session(at(21, 10, 0)).says("/greet", "greet").bot("utter_greet")
    web.says("振込用紙はいつ届きますか", "faq").bot("utter_faq/renewal_slip_arrival")
    web.says("ありがとう", "thank").bot("utter_ask_csat")
    # 11-22 socketio, the same customer the next morning, a new session: resolved, 1 message.
    web.session(at(22, 9, 30)).says("パスワードを忘れました", "faq").bot("utter_faq/portal_forgot_password")

    handed = Conversation("web-handed-over", "socketio")
    # 11-21 socketio, handed over after two misses (repeated_fallback): 3 messages, 2 fallbacks;
    # what the customer writes to the agent afterwards is not a message to the bot.
    handed.session(at(21, 11, 0)).says("/greet", "greet").bot("utter_greet")
    handed.says("あれがこうなって", "nlu_fallback").bot("action_triage_unanswered")
    handed.says("だからあれです", "nlu_fallback").bot("action_triage_unanswered")
    handed.event(SlotSet, "handoff_reason", "repeated_fallback")
    handed.form("handoff_form").says("handed@example.jp", "inform").form_done("handoff_form")
    handed.bot("action_create_ticket").event(ConversationPaused)
    handed.says("まだですか", "nlu_fallback")
    handed.ticket_filed = at(21, 11, 0) + timedelta(seconds=40)

    abandoned = Conversation("line-abandoned", "line")
    # 11-21 line, abandoned: the renewal form waited for a serial when the customer left; 2 messages.
    abandoned.session(at(21, 14, 0)).says("/greet", "greet").bot("utter_greet")
    abandoned.says("更新できるか確認したい", "check_renewal").form("renewal_check_form")
    abandoned.event(SlotSet, "requested_slot", "serial_number").bot("utter_ask_serial_number")
    abandoned.says("ちょっと待ってください", "inform")

    line = Conversation("line-resolved", "line")
    # 11-22 line, resolved: 4 messages, 1 fallback (not in the guides), a form begun and finished; rated 3.
    line.session(at(22, 9, 0)).says("天気はどう?", "out_of_scope").bot("utter_out_of_scope")
    line.says("更新できるか確認したい", "check_renewal").form("renewal_check_form")
    line.says("VBCL-4821-7730-1956-2204", "inform").form_done("renewal_check_form").bot("action_check_renewal")
    line.says("さようなら", "goodbye").bot("utter_goodbye")

    greeting_only = Conversation("web-greeting-only", "socketio")
    # 11-22 socketio, not engaged: the chat opened and nothing was asked.
    greeting_only.session(at(22, 10, 0)).says("/greet", "greet").bot("utter_greet")

    ongoing = Conversation("rest:ongoing", "rest")
    # 11-22 rest, still going: in a form, quiet for less than 30 minutes; 2 messages.
    ongoing.session(at(22, 11, 40)).says("パスワードの再設定メールを送って", "resend_password_mail")
    ongoing.form("verification_form").says("ongoing@example.jp", "inform")

    before = Conversation("web-before-the-range", "socketio")
    # Started 11-20 23:50 and went on past midnight: a conversation of 11-20, outside the range.
    before.session(at(20, 23, 50)).says("振込用紙はいつ届きますか", "faq").bot("utter_faq/renewal_slip_arrival")
    before.clock = at(21, 0, 10).timestamp()
    before.says("担当者と話したい", "request_human").form("handoff_form").form_done("handoff_form")
    before.bot("action_create_ticket")
    before.ticket_filed = at(21, 0, 10) + timedelta(seconds=20)
    return [web, handed, abandoned, line, greeting_only, ongoing, before]


async def seed(tracker_url: str, database_url: str) -> None:
    """The conversations into the tracker store at `tracker_url`, their tickets and ratings into the bot's database."""
    store = SQLTrackerStore(host=tracker_url)
    seeded = conversations()
    try:
        for conversation in seeded:
            await store.save(DialogueStateTracker.from_events(conversation.sender_id, conversation.events))
    finally:
        store.engine.dispose()
    by_sender = {conversation.sender_id: conversation for conversation in seeded}
    with session_scope(database_url) as session:
        for sender_id, reason in (("web-handed-over", "repeated_fallback"), ("web-before-the-range", "customer_asked")):
            conversation = by_sender[sender_id]
            ticket = tickets.create_ticket(
                session,
                sender_id=sender_id,
                channel=conversation.channel,
                category="その他",
                priority="normal",
                summary="【その他】",
                verified_email=None,
                contact_email=None,
                fields={"reason": reason},
                transcript=[],
                conversation_offset=len(conversation.events),
            )
            session.get(m.Ticket, ticket.id).created_at = conversation.ticket_filed
        web = by_sender["web-returning"]
        repository.record_csat(session, web.sender_id, web.channel, 5, web.sessions[0])
        line = by_sender["line-resolved"]
        repository.record_csat(session, line.sender_id, line.channel, 3, line.sessions[0])


def figures(
    engaged=0, resolved=0, handed_over=0, abandoned=0, ongoing=0, reasons=None, messages=0, fallbacks=0, csat=()
) -> Dict:
    return {
        "engaged": engaged,
        "resolved": resolved,
        "handed_over": handed_over,
        "abandoned": abandoned,
        "ongoing": ongoing,
        "handed_over_by_reason": reasons or {},
        "customer_messages": messages,
        "fallbacks": fallbacks,
        "fallback_rate": round(100 * fallbacks / messages, 1) if messages else None,
        "csat_count": len(csat),
        "csat_mean": round(sum(csat) / len(csat), 2) if csat else None,
    }


# What the seeded conversations must give, written out by hand from the comments above.
EXPECTED_CELLS = {
    ("2026-11-21", "line"): figures(engaged=1, abandoned=1, messages=2),
    ("2026-11-21", "socketio"): figures(
        engaged=2, resolved=1, handed_over=1, reasons={"repeated_fallback": 1}, messages=5, fallbacks=2, csat=(5,)
    ),
    ("2026-11-22", "line"): figures(engaged=1, resolved=1, messages=4, fallbacks=1, csat=(3,)),
    ("2026-11-22", "rest"): figures(engaged=1, ongoing=1, messages=2),
    ("2026-11-22", "socketio"): figures(engaged=1, resolved=1, messages=1),
}
EXPECTED_TOTAL = figures(
    engaged=6,
    resolved=3,
    handed_over=1,
    abandoned=1,
    ongoing=1,
    reasons={"repeated_fallback": 1},
    messages=14,
    fallbacks=3,
    csat=(5, 3),
)
