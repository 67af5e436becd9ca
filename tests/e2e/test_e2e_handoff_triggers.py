"""Each reason to hand over, through the running servers: the right ticket, then quiet."""

import pytest

from bot.store import tickets
from bot.store.db import session_scope
from project_helpers import post

CODE_SAMPLE = "TB-3KQ7-M2X9P-4HD8W-7RT5N-Q6J3C-9ZV2L"


def say(bot, sender, text):
    return [r.get("text") for r in post(bot["rasa_port"], sender, text)]


def ticket_of(bot, sender):
    with session_scope(bot["database_url"]) as session:
        return tickets.unfinished_ticket_of(session, f"rest:{sender}")


def agree(bot, sender, responses, replies, identifier="わからない"):
    """Answer whatever the handoff asks until the ticket is filed; returns the questions and the last replies."""
    answers = {
        responses["utter_ask_handoff_form_contact_email"]: "customer@example.jp",
        responses["utter_ask_handoff_form_handoff_identifier"]: identifier,
        responses["utter_ask_handoff_form_handoff_consent"]: "はい",
    }
    asked = []
    while replies and replies[-1] in answers:
        asked.append(replies[-1])
        replies = say(bot, sender, answers[replies[-1]])
    return asked, replies


def test_asking_for_a_person_files_a_ticket_and_the_bot_goes_quiet(bot, responses):
    sender = "e2e-human"
    say(bot, sender, "振込用紙はいつ届きますか")
    asked, replies = agree(bot, sender, responses, say(bot, sender, "担当者と話したいです"))
    # A renewal question: the agent will want the serial, which the customer may not know.
    assert asked == [
        responses["utter_ask_handoff_form_contact_email"],
        responses["utter_ask_handoff_form_handoff_identifier"],
        responses["utter_ask_handoff_form_handoff_consent"],
    ]
    ticket = ticket_of(bot, sender)
    assert ticket.fields["handoff_identifier"] == "不明"
    assert ticket.category == "契約更新・支払い" and ticket.priority == "normal"
    assert ticket.contact_email == "customer@example.jp" and ticket.channel == "rest"
    assert ticket.last_question == "振込用紙はいつ届きますか"
    # 2026-11-22 is a Sunday: the next people are in on Tuesday (Monday is a holiday).
    assert replies == [
        responses["utter_handoff_created_after_hours"].format(
            number=ticket.number, hours="9:00〜17:30", opening="11月24日(火)09:00"
        )
    ]
    assert say(bot, sender, "まだですか？") == []


def test_a_question_asked_with_the_wish_for_a_person_is_handed_over_with_the_question(bot, responses):
    sender = "e2e-question-and-person"
    text = "更新の振込用紙がまだ来ないんですが、担当の方と話せますか"
    replies = say(bot, sender, text)
    # The person first: no guide answer in between.
    assert replies == [responses["utter_ask_handoff_form_contact_email"]]
    agree(bot, sender, responses, replies)
    ticket = ticket_of(bot, sender)
    assert ticket.last_question == text
    assert ticket.category == "契約更新・支払い"


def test_not_sure_at_the_consent_question_keeps_the_handoff_open(bot, responses):
    sender = "e2e-consent-unsure"
    say(bot, sender, "人間のオペレーターに代わってもらえますか")
    assert say(bot, sender, "unsure@example.jp") == [responses["utter_ask_handoff_form_handoff_consent"]]
    # Neither yes nor no: asked again, nothing cancelled, nothing filed yet.
    assert say(bot, sender, "うーん、よくわからないです") == [responses["utter_ask_handoff_form_handoff_consent"]]
    assert ticket_of(bot, sender) is None
    say(bot, sender, "はい")
    assert ticket_of(bot, sender).contact_email == "unsure@example.jp"


def test_saying_no_to_the_handoff_sends_nothing(bot, responses):
    sender = "e2e-human-no"
    say(bot, sender, "オペレーターにつないで")
    say(bot, sender, "someone@example.jp")
    assert say(bot, sender, "いいえ") == [responses["utter_task_cancelled"]]
    assert ticket_of(bot, sender) is None
    assert say(bot, sender, "パスワードを忘れました") != []


def test_an_overdue_payment_is_handed_over_with_high_priority(bot, responses):
    sender = "e2e-overdue"
    post(bot["rasa_port"], sender, "11月5日に郵便局で払ったのに、まだ有効期限が延長されていません")
    replies = say(bot, sender, "/request_human")
    assert replies[0] == responses["utter_handoff_intro_payment"]
    agree(bot, sender, responses, replies, identifier="VBCL-4821-7730-1956-2204")
    ticket = ticket_of(bot, sender)
    assert ticket.fields["handoff_identifier"] == "VBCL-****-****-****-2204"
    assert (ticket.category, ticket.priority, ticket.fields["reason"]) == (
        "契約更新・支払い",
        "high",
        "payment_overdue",
    )


def test_a_verified_premium_customer_is_not_asked_for_an_address(bot, responses):
    sender = "e2e-premium"
    say(bot, sender, "アカウントの状態を確認したい")
    say(bot, sender, f"yamada@sample-shoji.co.jp {CODE_SAMPLE}")
    replies = say(bot, sender, "担当者と話したい")
    assert replies == [responses["utter_ask_handoff_form_handoff_consent"]]  # nothing else to ask
    agree(bot, sender, responses, replies)
    ticket = ticket_of(bot, sender)
    assert (ticket.category, ticket.priority) == ("ポータルアカウント", "high")
    assert ticket.verified_email == ticket.contact_email == "yamada@sample-shoji.co.jp"
    assert CODE_SAMPLE not in str(ticket.transcript)


def test_three_failed_verifications_are_handed_over(bot, responses):
    sender = "e2e-locked"
    say(bot, sender, "アカウントの状態を確認したい")
    for _ in range(3):
        replies = post(bot["rasa_port"], sender, f"nobody@example.jp {CODE_SAMPLE}")
    assert replies[-1]["buttons"][0]["payload"] == "/request_human"
    replies = say(bot, sender, "/request_human")
    assert replies[0] == responses["utter_handoff_intro_verification"]
    agree(bot, sender, responses, replies)
    assert ticket_of(bot, sender).fields["reason"] == "verification_failed"


@pytest.mark.parametrize(
    "sender, text, intro, category",
    [
        ("e2e-threat", "不審なファイルの解析依頼をしたいです", "utter_handoff_intro_threat", "脅威解析"),
        (
            "e2e-trouble",
            "ウイルスバスターでエラーが出て起動しません",
            "utter_handoff_intro_product",
            "製品の問い合わせ",
        ),
    ],
)
def test_requests_beyond_the_guides_are_handed_over(bot, responses, sender, text, intro, category):
    replies = say(bot, sender, text)
    assert replies == [responses[intro], responses["utter_ask_handoff_form_contact_email"]]
    agree(bot, sender, responses, replies)
    assert ticket_of(bot, sender).category == category


def test_two_unanswered_messages_in_a_row_are_handed_over(bot, responses):
    sender = "e2e-fallback"
    assert say(bot, sender, "今日の天気は？") == [responses["utter_out_of_scope"]]
    assert say(bot, sender, "おすすめのラーメン屋さんを教えて")[0] == responses["utter_handoff_intro_fallback"]


def test_frustration_is_handed_over(bot, responses):
    sender = "e2e-frustrated"
    replies = say(bot, sender, "いい加減にしてください！全然役に立たない")
    assert replies[0] == responses["utter_handoff_intro_frustration"]
