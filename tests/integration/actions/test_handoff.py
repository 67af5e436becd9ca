"""Handing over to a person: the reason, the ticket the agent reads, and the quiet afterwards; on the
demo database, and with a fake ticket service for what the actions gather from the conversation."""

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.handoff import ActionCreateTicket, ActionStartHandoff, ActionTriageUnanswered
from bot.store import tickets
from bot.store.db import session_scope
from bot.support.triage import Reason
from tracker_helpers import DOMAIN, responses, slot_values, verified_as

SERIAL = "VBCL-4821-7730-1956-2204"


def user(text, intent, faq_key=None):
    parse = {"intent": {"name": intent, "confidence": 1.0}, "entities": [], "text": text}
    if faq_key:
        parse["response_selector"] = {"default": {"response": {"intent_response_key": faq_key}}}
    return {"event": "user", "text": text, "parse_data": parse, "input_channel": "socketio"}


def bot_says(text):
    return {"event": "bot", "text": text}


def conversation(turns, slots=None, sender="web-abc"):
    latest = next(e for e in reversed(turns) if e["event"] == "user")
    message = {**latest["parse_data"], "metadata": {}}
    all_slots = {"verification_failures": 0, "format_failures": 0, **(slots or {})}
    return Tracker(sender, all_slots, message, turns, False, None, {}, "action_listen")


async def run(action, tracker):
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, tracker, DOMAIN)
    return dispatcher, events


@pytest.mark.parametrize(
    "slots, text, reason, intro",
    [
        ({}, "担当者と話したい", "customer_asked", []),
        ({"payment_overdue": True}, "担当者と話したい", "payment_overdue", ["utter_handoff_intro_payment"]),
        ({"verification_failures": 3}, "担当者と話したい", "verification_failed", ["utter_handoff_intro_verification"]),
        ({"handoff_reason": "threat_analysis"}, "検体の解析依頼", "threat_analysis", ["utter_handoff_intro_threat"]),
    ],
)
async def test_the_handoff_says_why_and_asks_for_what_is_missing(slots, text, reason, intro):
    dispatcher, events = await run(ActionStartHandoff(), conversation([user(text, "request_human")], slots))
    assert responses(dispatcher) == intro
    assert slot_values(events)["handoff_reason"] == reason
    assert {"event": "followup", "name": "handoff_form", "timestamp": None} in events


async def test_a_verified_customer_is_not_asked_for_an_address_again():
    _, events = await run(
        ActionStartHandoff(),
        conversation([user("担当者と話したい", "request_human")], verified_as("yamada@sample-shoji.co.jp", "web-abc")),
    )
    assert slot_values(events)["contact_email"] == "yamada@sample-shoji.co.jp"


@pytest.mark.parametrize(
    "turns, handed_over, said",
    [
        ([user("今日の天気は？", "out_of_scope")], None, ["utter_out_of_scope"]),
        ([user("検体の解析依頼をしたいです", "out_of_scope")], "threat_analysis", []),
        ([user("ウイルスバスターでエラーが出て起動しません", "out_of_scope")], "product_trouble", []),
        ([user("いい加減にしてください、役に立たない", "nlu_fallback")], "frustration", []),
        ([user("あいうえお", "nlu_fallback")], None, ["utter_default"]),
        (
            [user("あいうえお", "nlu_fallback"), bot_says("…"), user("かきくけこ", "nlu_fallback")],
            "repeated_fallback",
            [],
        ),
        (
            [user("あいうえお", "nlu_fallback"), user("振込用紙はいつ届く", "faq"), user("かきくけこ", "nlu_fallback")],
            None,
            ["utter_default"],
        ),
        ([user("今日の天気は？", "out_of_scope"), user("かきくけこ", "nlu_fallback")], "repeated_fallback", []),
    ],
)
async def test_what_the_bot_cannot_answer(turns, handed_over, said):
    dispatcher, events = await run(ActionTriageUnanswered(), conversation(turns))
    assert responses(dispatcher) == said
    if handed_over:
        assert slot_values(events)["handoff_reason"] == handed_over
        assert {"event": "followup", "name": "action_start_handoff", "timestamp": None} in events
    else:
        assert events == []


async def test_ticket_has_category_priority_summary_and_a_masked_transcript(demo_db, monkeypatch):
    monkeypatch.setenv("BOT_NOW", "2026-11-24T10:00")  # a Tuesday, in hours
    turns = [
        user("パスワードを忘れました", "faq", "faq/portal_forgot_password"),
        bot_says("ログインページの…"),
        user(f"シリアル {SERIAL} の件も聞きたい", "check_renewal"),
        user("担当者と話したい", "request_human"),
    ]
    tracker = conversation(
        turns,
        {
            "handoff_reason": "customer_asked",
            "contact_email": "yamada@sample-shoji.co.jp",
            **verified_as("yamada@sample-shoji.co.jp", "web-abc"),
            "serial_number": SERIAL,
            "handoff_consent": True,
        },
    )
    dispatcher, events = await run(ActionCreateTicket(), tracker)
    with session_scope(demo_db) as session:
        [ticket] = tickets.unfinished_tickets(session)
    assert dispatcher.messages[0]["response"] == "utter_handoff_created"
    assert dispatcher.messages[0]["number"] == ticket.number
    assert ticket.category == "契約更新・支払い"  # the newest topic the customer raised
    assert ticket.priority == "high"  # サンプル商事 has the premium service
    assert ticket.channel == "socketio" and ticket.sender_id == "web-abc"
    assert ticket.summary.startswith("【契約更新・支払い】お客さまが担当者との対応を希望。")
    assert ticket.fields["serial_number"] == "VBCL-****-****-****-2204"
    everything = ticket.summary + str(ticket.transcript) + str(ticket.fields)
    assert "4821-7730" not in everything
    assert [line["who"] for line in ticket.transcript] == ["customer", "bot", "customer", "customer"]
    assert {"event": "pause", "timestamp": None} in events


async def test_outside_hours_the_customer_hears_when_someone_answers(demo_db, monkeypatch):
    monkeypatch.setenv("BOT_NOW", "2026-11-21T20:00")  # Saturday evening; Monday the 23rd is a holiday
    dispatcher, _ = await run(
        ActionCreateTicket(),
        conversation(
            [user("担当者と話したい", "request_human")], {"contact_email": "kato@example.jp", "handoff_consent": True}
        ),
    )
    assert dispatcher.messages[0]["response"] == "utter_handoff_created_after_hours"
    assert dispatcher.messages[0]["opening"] == "11月24日(火)09:00"
    assert dispatcher.messages[0]["hours"] == "9:00〜17:30"


async def test_outside_hours_the_customer_hears_the_hours_the_operator_set(demo_db, monkeypatch):
    monkeypatch.setenv("BOT_NOW", "2026-11-24T08:30")  # a Tuesday, before 10:00
    monkeypatch.setenv("BOT_SUPPORT_HOURS", "10:00-18:00")
    dispatcher, _ = await run(
        ActionCreateTicket(),
        conversation(
            [user("担当者と話したい", "request_human")], {"contact_email": "kato@example.jp", "handoff_consent": True}
        ),
    )
    assert dispatcher.messages[0]["response"] == "utter_handoff_created_after_hours"
    assert (dispatcher.messages[0]["hours"], dispatcher.messages[0]["opening"]) == ("10:00〜18:00", "11月24日(火)10:00")


async def test_one_ticket_per_conversation_until_it_is_closed(demo_db, monkeypatch):
    monkeypatch.setenv("BOT_NOW", "2026-11-24T10:00")
    tracker = conversation([user("担当者と話したい", "request_human")], {"contact_email": "kato@example.jp"})
    first, _ = await run(ActionCreateTicket(), tracker)
    second, _ = await run(ActionCreateTicket(), tracker)
    assert first.messages[0]["number"] == second.messages[0]["number"]
    with session_scope(demo_db) as session:
        assert len(tickets.unfinished_tickets(session)) == 1
        assert tickets.unfinished_tickets(session)[0].priority == "normal"


async def required(tracker):
    from bot.actions.handoff import ValidateHandoffForm

    slots = ["contact_email", "handoff_identifier", "handoff_consent"]
    return await ValidateHandoffForm().required_slots(slots, CollectingDispatcher(), tracker, DOMAIN)


@pytest.mark.parametrize(
    "turns, slots, asks_identifier",
    [
        (
            [user("振込用紙はいつ届きますか", "faq", "faq/renewal_slip_arrival"), user("担当者", "request_human")],
            {},
            True,
        ),
        (
            [user(f"{SERIAL} の更新", "check_renewal"), user("担当者", "request_human")],
            {"serial_number": SERIAL},
            False,
        ),
        (
            [user("パスワードを忘れました", "faq", "faq/portal_forgot_password"), user("担当者", "request_human")],
            verified_as("yamada@sample-shoji.co.jp", "web-abc"),
            False,
        ),
        (
            [user("今日の天気は？", "out_of_scope"), user("担当者", "request_human")],
            {},
            False,
        ),  # その他: nothing to ask
    ],
)
async def test_the_handoff_asks_for_an_identifier_only_when_it_helps_and_is_unknown(turns, slots, asks_identifier):
    assert ("handoff_identifier" in await required(conversation(turns, slots))) is asks_identifier


async def test_not_knowing_the_identifier_is_an_answer():
    from bot.actions.handoff import ValidateHandoffForm

    tracker = conversation([user("わからない", "deny")], {"requested_slot": "handoff_identifier"})
    slots = await ValidateHandoffForm().extract_handoff_identifier(CollectingDispatcher(), tracker, DOMAIN)
    assert slots == {"handoff_identifier": "不明"}


@pytest.mark.parametrize(
    "intent, slots",
    [
        ("affirm", {"handoff_consent": True}),
        # Neither yes nor no: asked again, counted, so that repeated ones hear how to answer.
        ("inform", {"format_failures": 1}),
        ("nlu_fallback", {"format_failures": 1}),
        # A no is the rule's that cancels; a question is the rules' to answer.
        ("deny", {}),
        ("faq", {}),
    ],
)
async def test_only_a_yes_passes_the_conversation_on(intent, slots):
    from bot.actions.handoff import ValidateHandoffForm

    answer = user("わからない", intent)
    answer["parse_data"]["intent_ranking"] = [{"name": intent, "confidence": 1.0}]
    tracker = conversation([answer], {"requested_slot": "handoff_consent"})
    found = await ValidateHandoffForm().extract_handoff_consent(CollectingDispatcher(), tracker, DOMAIN)
    assert found == slots


def user_with_serial(text, intent, serial=SERIAL):
    event = user(text, intent)
    event["parse_data"]["entities"] = [{"entity": "serial_number", "value": serial}]
    return event


async def test_the_identifier_given_as_the_answer_is_kept_asked_until_stored():
    turns = [
        user("振込用紙はいつ届きますか", "faq", "faq/renewal_slip_arrival"),
        user("担当者", "request_human"),
        user_with_serial(SERIAL, "inform"),
    ]
    assert "handoff_identifier" in await required(conversation(turns, {"requested_slot": "handoff_identifier"}))


async def test_an_identifier_named_before_the_handoff_reaches_the_ticket_without_being_asked(demo_db, monkeypatch):
    monkeypatch.setenv("BOT_NOW", "2026-11-24T10:00")
    turns = [
        user_with_serial(f"{SERIAL} を郵便局で払ったのに反映されない", "payment_status"),
        user("担当者と話したい", "request_human"),
    ]
    tracker = conversation(turns, {"contact_email": "kato@example.jp", "handoff_consent": True})
    assert "handoff_identifier" not in await required(tracker)
    await run(ActionCreateTicket(), tracker)
    with session_scope(demo_db) as session:
        [ticket] = tickets.unfinished_tickets(session)
    assert ticket.fields["handoff_identifier"] == "VBCL-****-****-****-2204"


async def test_the_summary_quotes_the_question_not_the_answers_to_the_handoff(demo_db, monkeypatch):
    monkeypatch.setenv("BOT_NOW", "2026-11-24T10:00")
    turns = [
        user("振込用紙はいつ届きますか", "faq", "faq/renewal_slip_arrival"),
        user("担当者と話したい", "request_human"),
        {"event": "action", "name": "action_start_handoff"},
        user("customer@example.jp", "inform"),
        user("わからない", "out_of_scope"),
        user("はい", "affirm"),
    ]
    tracker = conversation(
        turns, {"contact_email": "customer@example.jp", "handoff_identifier": "不明", "handoff_consent": True}
    )
    await run(ActionCreateTicket(), tracker)
    with session_scope(demo_db) as session:
        [ticket] = tickets.unfinished_tickets(session)
    assert ticket.last_question == "振込用紙はいつ届きますか"


async def test_a_new_session_stays_quiet_while_a_person_has_the_conversation(demo_db, monkeypatch):
    from bot.actions.handoff import ActionSessionStart

    monkeypatch.setenv("BOT_NOW", "2026-11-24T10:00")
    tracker = conversation(
        [user("担当者と話したい", "request_human")],
        {"contact_email": "kato@example.jp", **verified_as("kato@example.jp", "web-abc")},
    )
    domain = {**DOMAIN, "session_config": {"carry_over_slots_to_new_session": True}}
    before = await ActionSessionStart().run(CollectingDispatcher(), tracker, domain)
    assert [event["event"] for event in before if event["event"] != "slot"] == ["session_started", "action"]

    await run(ActionCreateTicket(), tracker)
    after = await ActionSessionStart().run(CollectingDispatcher(), tracker, domain)
    assert [event["event"] for event in after if event["event"] != "slot"] == ["session_started", "pause", "action"]
    assert slot_values(after)["verified_email"] == "kato@example.jp"


def unsure(text, intents, answers):
    """A message the bot did not understand, with how it ranked intents and guide answers."""
    event = user(text, "nlu_fallback")
    event["parse_data"]["intent_ranking"] = [{"name": name, "confidence": 0.4} for name in ["nlu_fallback", *intents]]
    event["parse_data"]["response_selector"] = {
        "default": {
            "response": {"intent_response_key": answers[0]},
            "ranking": [{"intent_response_key": key, "confidence": 0.4} for key in answers],
        }
    }
    return event


PERSON = {"title": "担当者に引き継ぐ", "payload": "/request_human"}
WITH_TITLES = {
    **DOMAIN,
    "responses": {
        "utter_default": [{"text": "理解できませんでした", "buttons": [PERSON]}],
        "utter_title_renewal_slip_arrival": [{"text": "振込用紙が届くまでの日数"}],
        "utter_title_renewal_faster_payment": [{"text": "早く支払う方法"}],
    },
}


async def test_unsure_which_guide_answer_the_bot_offers_the_likeliest_and_a_person():
    turns = [
        unsure(
            "用紙っていつごろ来るん",
            ["faq", "payment_status"],
            ["faq/renewal_slip_arrival", "faq/renewal_faster_payment", "faq/renewal_how"],
        )
    ]
    dispatcher = CollectingDispatcher()
    events = await ActionTriageUnanswered().run(dispatcher, conversation(turns), WITH_TITLES)
    assert events == []
    [message] = dispatcher.messages
    assert message["response"] == "utter_did_you_mean"
    assert message["buttons"] == [
        {"title": "振込用紙が届くまでの日数", "payload": "/faq/renewal_slip_arrival"},
        {"title": "早く支払う方法", "payload": "/faq/renewal_faster_payment"},
        PERSON,
    ]


async def test_not_understood_and_no_guide_question_likely_is_the_plain_reply():
    turns = [unsure("あいうえお", ["greet", "thank"], ["faq/renewal_slip_arrival"])]
    dispatcher = CollectingDispatcher()
    await ActionTriageUnanswered().run(dispatcher, conversation(turns), WITH_TITLES)
    assert responses(dispatcher) == ["utter_default"]


async def test_a_second_miss_in_a_row_hands_over_even_when_answers_could_be_offered():
    turns = [
        user("あいうえお", "nlu_fallback"),
        unsure("用紙っていつごろ来るん", ["faq"], ["faq/renewal_slip_arrival"]),
    ]
    dispatcher = CollectingDispatcher()
    events = await ActionTriageUnanswered().run(dispatcher, conversation(turns), WITH_TITLES)
    assert slot_values(events)["handoff_reason"] == "repeated_fallback"


class FakeTickets:
    """The ticket service as the handoff actions see it: it keeps what it is asked to file."""

    def __init__(self, unfinished=False):
        self.filed, self.unfinished = [], unfinished

    async def file_ticket(self, request):
        self.filed.append(request)
        return "T000042"

    async def has_unfinished_ticket(self, sender_id):
        return self.unfinished


async def test_the_handoff_gathers_what_the_conversation_says_for_the_ticket(fake_service, monkeypatch):
    monkeypatch.setenv("BOT_NOW", "2026-11-24T10:00")
    fake = fake_service("tickets", FakeTickets())
    turns = [
        user("クラウドの更新について", "faq", "faq/renewal_how"),
        user_with_serial(f"{SERIAL} を郵便局で払ったのに反映されない", "payment_status"),
        user("担当者と話したい", "request_human"),
    ]
    turns[0]["parse_data"]["entities"] = [{"entity": "product", "value": "ウイルスバスター クラウド"}]
    tracker = conversation(
        turns,
        {
            "handoff_reason": "payment_overdue",
            "contact_email": "kato@example.jp",
            "payment_channel": "郵便局",
            "paid_on": "2026-11-05",
            "handoff_consent": True,
            **verified_as("kato@example.jp", "web-abc"),
        },
    )
    dispatcher, events = await run(ActionCreateTicket(), tracker)
    [request] = fake.filed
    assert (request.sender_id, request.channel, request.reason) == ("web-abc", "socketio", Reason.PAYMENT_OVERDUE)
    assert request.topics == ["faq/renewal_how", "payment_status", "request_human"]
    assert request.last_question == f"{SERIAL} を郵便局で払ったのに反映されない"
    assert (request.verified_email, request.contact_email) == ("kato@example.jp", "kato@example.jp")
    # As given: masking is the service's.
    assert request.details == {"payment_channel": "郵便局", "paid_on": "2026-11-05"}
    assert request.known_identifiers == {"serial_number": SERIAL}
    assert request.product == "ウイルスバスター クラウド"
    assert len(request.events) == 3
    assert dispatcher.messages[0]["response"] == "utter_handoff_created"
    assert dispatcher.messages[0]["number"] == "T000042"
    assert {"event": "pause", "timestamp": None} in events


async def test_a_question_asked_with_the_wish_for_a_person_reaches_the_ticket(fake_service, monkeypatch):
    monkeypatch.setenv("BOT_NOW", "2026-11-24T10:00")
    fake = fake_service("tickets", FakeTickets())
    asked = user("振込用紙が届かないので担当者と話したいです", "request_human", "faq/renewal_slip_arrival")
    # What PersonRequestCheck leaves in the parse: the classifiers had read a guide question.
    asked["parse_data"]["read_beside_the_wish"] = "faq"
    tracker = conversation(
        [user("こんにちは", "greet"), asked, user("kato@example.jp", "inform")],
        {"handoff_reason": "customer_asked", "contact_email": "kato@example.jp", "handoff_consent": True},
    )
    await run(ActionCreateTicket(), tracker)
    [request] = fake.filed
    # The renewal queue, and the question itself for the agent, not only "wants a person".
    assert request.topics == ["greet", "faq/renewal_slip_arrival", "request_human", "inform"]
    assert request.last_question == "振込用紙が届かないので担当者と話したいです"


async def test_a_forged_identity_reaches_the_ticket_service_as_unverified(fake_service, monkeypatch):
    monkeypatch.setenv("BOT_NOW", "2026-11-24T10:00")
    fake = fake_service("tickets", FakeTickets())
    forged = {"verified_email": "yamada@sample-shoji.co.jp", "identity_proof": "forged"}
    await run(
        ActionCreateTicket(),
        conversation([user("担当者と話したい", "request_human")], {"contact_email": "kato@example.jp", **forged}),
    )
    assert fake.filed[0].verified_email is None


@pytest.mark.parametrize(
    "unfinished, kinds",
    [
        (True, ["session_started", "pause", "action"]),
        (False, ["session_started", "action"]),
    ],
)
async def test_a_new_session_is_quiet_exactly_while_the_ticket_service_says_a_person_has_it(
    fake_service, unfinished, kinds
):
    from bot.actions.handoff import ActionSessionStart

    fake_service("tickets", FakeTickets(unfinished=unfinished))
    domain = {**DOMAIN, "session_config": {"carry_over_slots_to_new_session": True}}
    events = await ActionSessionStart().run(CollectingDispatcher(), conversation([user("こんにちは", "greet")]), domain)
    assert [event["event"] for event in events if event["event"] != "slot"] == kinds
