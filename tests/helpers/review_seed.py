"""A known set of conversations for the review queue's tests, written by Rasa's own SQLTrackerStore, and
the messages the queue must hold for them.

Two days (2026-11-21 and 2026-11-22, Japan time) and three channels, as in tests/helpers/analytics_seed.py;
what each message must or must not be queued for is said beside it.
"""

from __future__ import annotations

from typing import List, Optional, Tuple

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import ConversationPaused, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from analytics_seed import Conversation, at

PERSONAL = "〒100-0001 東京都千代田区千代田1-1 の taro@example.jp です。電話は 03-1234-5678"
PERSONAL_MASKED = "〈郵便番号〉 〈住所〉 の 〈メールアドレス〉 です。電話は 〈電話番号〉"
SERIAL_QUESTION = "VBCL-4821-7730-1956-2204 の更新期限を知りたい"
SERIAL_QUESTION_MASKED = "〈シリアル番号〉 の更新期限を知りたい"
# Three ways of asking for a receipt: one group.
RECEIPTS = ("領収書は発行できますか", "領収書をもらえますか", "領収書がほしいです")


class ReviewConversation(Conversation):
    """A conversation whose messages carry what the bot read, as Rasa's NLU pipeline logs it."""

    def reads(
        self,
        text: str,
        intent: str,
        confidence: float,
        answer: Optional[str] = None,
        answer_confidence: Optional[float] = None,
    ) -> "ReviewConversation":
        parse_data = {
            "intent": {"name": intent, "confidence": confidence},
            "intent_ranking": [{"name": intent, "confidence": confidence}],
        }
        if answer:
            parse_data["response_selector"] = {
                "all_retrieval_intents": ["faq"],
                "default": {
                    "response": {
                        "intent_response_key": answer,
                        "confidence": answer_confidence,
                        "utter_action": f"utter_{answer}",
                        "responses": [],
                    },
                    "ranking": [{"intent_response_key": answer, "confidence": answer_confidence}],
                },
            }
        return self._add(UserUttered, text, parse_data["intent"], parse_data=parse_data, input_channel=self.channel)


def conversations() -> List[ReviewConversation]:
    corrected = ReviewConversation("web-corrected", "socketio")
    corrected.session(at(21, 10, 0)).reads("/greet", "greet", 1.0).bot("utter_greet")  # a button: not typed
    # Queued (corrected): answered with confidence, and the customer's next message says it is wrong.
    corrected.reads("振込用紙が届かないのですが", "faq", 0.98, "faq/renewal_slip_arrival", 0.95)
    corrected.bot("utter_faq/renewal_slip_arrival")
    corrected.reads("違います。振込用紙の支払い期限が知りたいんです", "faq", 0.97, "faq/renewal_where_to_pay", 0.93)
    corrected.bot("utter_faq/renewal_where_to_pay")
    corrected.reads("ありがとう", "thank", 0.99).bot("utter_ask_csat")

    handed = ReviewConversation("line-handed-over", "line")
    handed.session(at(21, 14, 0))
    handed.reads("あれがこうなって", "nlu_fallback", 0.5).bot("action_triage_unanswered")  # queued: not understood
    handed.reads(RECEIPTS[0], "out_of_scope", 0.97).bot("action_triage_unanswered")  # queued: not in the guides
    # Asking for a person after a non-answer corrects no answer.
    handed.reads("担当者と話したい", "request_human", 0.99).form("handoff_form").form_done("handoff_form")
    handed.bot("action_create_ticket").event(ConversationPaused)
    handed.reads("まだですか", "nlu_fallback", 0.5)  # written to the agent: not queued

    unsure = ReviewConversation("rest:unsure", "rest")
    # Queued (unsure, corrected): read at 0.62, answered, and then a person asked for.
    unsure.session(at(22, 9, 0)).reads(RECEIPTS[1], "faq", 0.62, "faq/renewal_after_payment", 0.7)
    unsure.bot("utter_faq/renewal_after_payment")
    unsure.reads("担当者と話したい", "request_human", 0.99).form("handoff_form")

    personal = ReviewConversation("web-personal", "socketio")
    personal.session(at(22, 10, 0))
    # Queued (unsure): the renewal check read at 0.85; a "no" to the form's question corrects nothing.
    personal.reads(SERIAL_QUESTION, "check_renewal", 0.85).form("renewal_check_form").bot("utter_ask_serial_number")
    personal.reads("やめます", "deny", 0.96).form_done("renewal_check_form").bot("action_cancel_task")
    personal.reads(PERSONAL, "out_of_scope", 0.91).bot("action_triage_unanswered")  # queued: not in the guides
    # Queued (unsure): a guide question read with confidence, the answer chosen at 0.42 only.
    personal.reads("クレジットカードで払えますか", "faq", 0.97, "faq/renewal_where_to_pay", 0.42)
    personal.bot("utter_faq/renewal_where_to_pay")

    fine = ReviewConversation("web-fine", "socketio")
    fine.session(at(22, 11, 0))
    # Nothing queued: confident answers that were thanked, a form stopped, a button followed by "違う".
    fine.reads("パスワードを忘れました", "faq", 0.99, "faq/portal_forgot_password", 0.99)
    fine.bot("utter_faq/portal_forgot_password").reads("ありがとうございます", "thank", 0.99).bot("utter_ask_csat")
    fine.reads("更新できるか確認したい", "check_renewal", 0.97).form("renewal_check_form").bot(
        "utter_ask_serial_number"
    )
    fine.reads("やめます", "deny", 0.96).form_done("renewal_check_form").bot("action_cancel_task")
    fine.reads("/faq/renewal_how", "faq", 1.0, "faq/renewal_how", 1.0).bot("utter_faq/renewal_how")
    fine.reads("違う", "deny", 0.95).bot("utter_deny")

    sessions = ReviewConversation("web-two-sessions", "socketio")
    # Nothing queued: the "違う" came in a later session, an hour and more after the answer.
    sessions.session(at(21, 16, 0)).reads("振込用紙で更新する方法は", "faq", 0.99, "faq/renewal_how", 0.99)
    sessions.bot("utter_faq/renewal_how")
    sessions.session(at(21, 18, 0)).reads("違う", "deny", 0.95).bot("utter_deny")

    receipt = ReviewConversation("line-receipt", "line")
    receipt.session(at(22, 11, 30)).reads(RECEIPTS[2], "out_of_scope", 0.95).bot("action_triage_unanswered")  # queued

    before = ReviewConversation("web-before-the-range", "socketio")
    # Queued on 11-20 only: outside the two days.
    before.session(at(20, 23, 0)).reads("だからあれです", "nlu_fallback", 0.5).bot("action_triage_unanswered")
    return [corrected, handed, unsure, personal, fine, sessions, receipt, before]


async def seed(tracker_url: str) -> None:
    """The conversations into the tracker store at `tracker_url`."""
    store = SQLTrackerStore(host=tracker_url)
    try:
        for conversation in conversations():
            await store.save(DialogueStateTracker.from_events(conversation.sender_id, conversation.events))
    finally:
        store.engine.dispose()


# (masked text, channel, intent, guide answer, reasons, reply) of the queued messages of 11-21 and 11-22,
# newest first, written out by hand from the comments above.
EXPECTED: List[Tuple[str, str, str, Optional[str], Tuple[str, ...], Optional[str]]] = [
    (RECEIPTS[2], "line", "out_of_scope", None, ("not_in_guides",), None),
    ("クレジットカードで払えますか", "socketio", "faq", "faq/renewal_where_to_pay", ("unsure",), None),
    (PERSONAL_MASKED, "socketio", "out_of_scope", None, ("not_in_guides",), None),
    (SERIAL_QUESTION_MASKED, "socketio", "check_renewal", None, ("unsure",), None),
    (RECEIPTS[1], "rest", "faq", "faq/renewal_after_payment", ("unsure", "corrected"), "担当者と話したい"),
    (RECEIPTS[0], "line", "out_of_scope", None, ("not_in_guides",), None),
    ("あれがこうなって", "line", "nlu_fallback", None, ("not_understood",), None),
    (
        "振込用紙が届かないのですが",
        "socketio",
        "faq",
        "faq/renewal_slip_arrival",
        ("corrected",),
        "違います。振込用紙の支払い期限が知りたいんです",
    ),
]
# The groups the grouping must make of them (texts of each group, by the newest message's place above).
EXPECTED_GROUPS: List[Tuple[str, ...]] = [
    (RECEIPTS[2], RECEIPTS[1], RECEIPTS[0]),
    ("クレジットカードで払えますか",),
    (PERSONAL_MASKED,),
    (SERIAL_QUESTION_MASKED,),
    ("あれがこうなって",),
    ("振込用紙が届かないのですが",),
]
