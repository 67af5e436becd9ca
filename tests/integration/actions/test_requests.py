"""Sign-up, CC addresses and renewal applications, against the demo records (today: 2026-11-22)."""

import pytest
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.cc import ValidateCcForm
from bot.actions.renewal_application import ValidateRenewalForm
from bot.actions.signup import ActionSignUp, ValidateSignupForm
from bot.actions.tasks import ActionCancelTask, ActionDoTask
from bot.actions.verification import ActionRememberTask
from bot.store import repository
from bot.store.db import session_scope
from tracker_helpers import DOMAIN, responses, slot_values, tracker, verified_as

YAMADA = "yamada@sample-shoji.co.jp"
NAKAMURA = "nakamura@example.jp"
OPEN_CODE = "TB-5RD2-H8L4Q-3NZ7V-9KC1W-6PM5X-1GT8B"
ENDED_CODE = "TB-8WN4-C6R2T-1PX7K-5MQ9D-3HL8F-2BV6G"
SIGNUP = ("signup_code", "signup_name", "signup_email", "signup_phone")


async def validate(action, form, text, slots, intent="inform"):
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, tracker(text, intent=intent, slots=slots, active_loop=form), DOMAIN)
    return dispatcher, slot_values(events)


async def do_task(slots):
    dispatcher = CollectingDispatcher()
    events = await ActionDoTask().run(dispatcher, tracker("", slots=slots), DOMAIN)
    return dispatcher, events


# --- sign-up ----------------------------------------------------------------------


async def test_signup_takes_an_open_code_typed_loosely_and_stores_it_canonical(demo_db):
    dispatcher, slots = await validate(
        ValidateSignupForm(), "signup_form", OPEN_CODE.lower().replace("-", " "), {"requested_slot": "signup_code"}
    )
    assert slots["signup_code"] == OPEN_CODE


@pytest.mark.parametrize(
    "code, response",
    [
        (ENDED_CODE, "utter_signup_code_ended"),  # contract ended 2026-10-31
        ("TB-0000-00000-00000-00000-00000-00000", "utter_signup_code_unknown"),
    ],
)
async def test_signup_refuses_ended_and_unknown_codes(demo_db, code, response):
    dispatcher, slots = await validate(ValidateSignupForm(), "signup_form", code, {"requested_slot": "signup_code"})
    assert responses(dispatcher) == [response]
    assert slots["signup_code"] is None


@pytest.mark.parametrize(
    "slot, text, stored",
    [
        ("signup_name", "  高橋　 健 ", "高橋 健"),
        ("signup_email", "Takahashi@Example.JP です", "takahashi@example.jp"),
        ("signup_phone", "０３ー１２３４ー５６７８", "0312345678"),
        ("signup_phone", "+81 (0)90 1234 5678", "09012345678"),
    ],
)
async def test_signup_answers_are_normalised(demo_db, slot, text, stored):
    _, slots = await validate(ValidateSignupForm(), "signup_form", text, {"requested_slot": slot})
    assert slots[slot] == stored


async def test_signup_explains_the_phone_format_after_the_second_bad_answer(demo_db):
    dispatcher, slots = await validate(ValidateSignupForm(), "signup_form", "12345", {"requested_slot": "signup_phone"})
    assert responses(dispatcher) == [] and slots["format_failures"] == 1
    dispatcher, slots = await validate(
        ValidateSignupForm(), "signup_form", "わかりません", {"requested_slot": "signup_phone", "format_failures": 1}
    )
    assert responses(dispatcher) == ["utter_phone_format"] and slots["format_failures"] == 2
    assert "signup_phone" not in slots or slots["signup_phone"] is None


async def test_a_side_question_is_not_taken_as_a_name(demo_db):
    _, slots = await validate(
        ValidateSignupForm(),
        "signup_form",
        "アカウントは何人で共有できますか",
        {"requested_slot": "signup_name"},
        intent="faq",
    )
    assert slots.get("signup_name") is None


async def sign_up(email):
    dispatcher = CollectingDispatcher()
    values = dict(zip(SIGNUP, (OPEN_CODE, "高橋 健", email, "0312345678")))
    events = await ActionSignUp().run(dispatcher, tracker("", slots=values), DOMAIN)
    return dispatcher, slot_values(events)


async def test_signup_creates_the_account_and_queues_the_completion_mail(demo_db):
    dispatcher, slots = await sign_up("takahashi@example.jp")
    assert responses(dispatcher) == ["utter_signup_done"]
    assert all(slots[slot] is None for slot in SIGNUP)
    with session_scope(demo_db) as session:
        account = repository.find_account(session, "takahashi@example.jp")
        mails = repository.pending_mails(session)
    assert account.name == "高橋 健" and account.activation_code == OPEN_CODE and not account.password_set
    assert [(m.to_address, m.template) for m in mails] == [("takahashi@example.jp", "signup_completed")]


async def test_signup_of_a_registered_address_says_the_same_and_changes_no_account(demo_db):
    with session_scope(demo_db) as session:
        before = repository.find_account(session, YAMADA)
    dispatcher, _ = await sign_up(YAMADA)
    fresh, _ = await sign_up("new@example.jp")
    assert dispatcher.messages == [{**fresh.messages[0], "email": YAMADA}]
    with session_scope(demo_db) as session:
        assert repository.find_account(session, YAMADA) == before
        to_yamada = [m for m in repository.pending_mails(session) if m.to_address == YAMADA]
    assert [m.template for m in to_yamada] == ["signup_already_registered"]


# --- CC addresses -----------------------------------------------------------------


@pytest.mark.parametrize(
    "text, operation, address",
    [
        ("CCに登録しているアドレスを教えて", "list", None),
        ("CCに takahashi@example.jp を追加してください", "add", "takahashi@example.jp"),
        ("CCにアドレスを追加したい", "add", None),
        ("CCから suzuki@sample-shoji.co.jp を外してください", "remove", "suzuki@sample-shoji.co.jp"),
        ("CCに入れるのをやめたい", "remove", None),
    ],
)
async def test_the_cc_request_is_remembered_with_its_address(text, operation, address):
    events = await ActionRememberTask().run(CollectingDispatcher(), tracker(text, intent="manage_cc"), DOMAIN)
    slots = slot_values(events)
    assert (slots["task"], slots["cc_operation"], slots["cc_address"]) == ("manage_cc", operation, address)


async def cc(operation, address=None, email=YAMADA):
    return await do_task({"task": "manage_cc", **verified_as(email), "cc_operation": operation, "cc_address": address})


def cc_of(url, email=YAMADA):
    with session_scope(url) as session:
        return repository.cc_addresses(session, email)


async def test_cc_list_add_and_remove_are_persisted(demo_db):
    dispatcher, _ = await cc("list")
    assert dispatcher.messages[0]["response"] == "utter_cc_list"
    assert dispatcher.messages[0]["addresses"] == "・suzuki@sample-shoji.co.jp"
    dispatcher, events = await cc("add", "Takahashi@Example.JP")
    assert responses(dispatcher) == ["utter_cc_added"]
    assert cc_of(demo_db) == ("suzuki@sample-shoji.co.jp", "takahashi@example.jp")
    assert slot_values(events) == {"cc_operation": None, "cc_address": None, "task": None}
    dispatcher, _ = await cc("remove", "SUZUKI@sample-shoji.co.jp")
    assert responses(dispatcher) == ["utter_cc_removed"]
    assert cc_of(demo_db) == ("takahashi@example.jp",)
    dispatcher, _ = await cc("remove", "takahashi@example.jp")
    assert responses(dispatcher) == ["utter_cc_removed_last"]
    assert dispatcher.messages[0]["address"] == "takahashi@example.jp"
    assert cc_of(demo_db) == ()


@pytest.mark.parametrize(
    "operation, address, response",
    [
        ("add", "suzuki@sample-shoji.co.jp", "utter_cc_duplicate"),
        ("add", YAMADA, "utter_cc_own_address"),
        ("remove", "nobody@example.jp", "utter_cc_not_in_list"),
    ],
)
async def test_cc_changes_that_break_a_rule_change_nothing(demo_db, operation, address, response):
    dispatcher, _ = await cc(operation, address)
    assert responses(dispatcher) == [response]
    assert cc_of(demo_db) == ("suzuki@sample-shoji.co.jp",)


async def test_cc_list_stops_at_ten(demo_db):
    for n in range(9):
        await cc("add", f"member{n}@sample-shoji.co.jp")
    assert len(cc_of(demo_db)) == 10
    dispatcher, _ = await cc("add", "one-too-many@sample-shoji.co.jp")
    assert responses(dispatcher) == ["utter_cc_too_many"]
    assert len(cc_of(demo_db)) == 10


async def test_cc_without_an_address_asks_for_it(demo_db):
    dispatcher, events = await cc("add")
    assert responses(dispatcher) == []
    assert {"event": "followup", "name": "cc_form", "timestamp": None} in events
    _, slots = await validate(ValidateCcForm(), "cc_form", "ito@example.jp です", {"requested_slot": "cc_address"})
    assert slots["cc_address"] == "ito@example.jp"


async def test_no_task_is_done_for_an_unverified_customer(demo_db):
    dispatcher, _ = await do_task({"task": "manage_cc", "cc_operation": "add", "cc_address": "x@example.jp"})
    assert responses(dispatcher) == []
    assert cc_of(demo_db) == ("suzuki@sample-shoji.co.jp",)


# --- renewal applications ---------------------------------------------------------


async def renewal_step(text, slots, intent="inform"):
    return await validate(ValidateRenewalForm(), "renewal_form", text, {**verified_as(NAKAMURA), **slots}, intent)


async def test_renewal_request_keeps_serial_years_and_wanted_product():
    events = await ActionRememberTask().run(
        CollectingDispatcher(),
        tracker("VBCL-4821-7730-1956-2204 を２年で更新を申し込みます", intent="apply_renewal"),
        DOMAIN,
    )
    slots = slot_values(events)
    assert (slots["task"], slots["renewal_years"], slots["renewal_product"]) == ("apply_renewal", 2, None)


async def test_renewal_application_places_one_order_and_queues_the_mail(demo_db):
    dispatcher, slots = await renewal_step("vbcl 4821 7730 1956 2204", {"requested_slot": "serial_number"})
    assert slots["serial_number"] == "VBCL-4821-7730-1956-2204"
    _, slots = await renewal_step(
        "３年で", {"requested_slot": "renewal_years", "serial_number": slots["serial_number"]}
    )
    assert slots["renewal_years"] == 3
    _, slots = await renewal_step(
        "はい",
        {"requested_slot": "renewal_confirm", "serial_number": "VBCL-4821-7730-1956-2204", "renewal_years": 3},
        intent="affirm",
    )
    assert slots["renewal_confirm"] is True
    dispatcher, events = await do_task(
        {
            "task": "apply_renewal",
            **verified_as(NAKAMURA),
            "serial_number": "VBCL-4821-7730-1956-2204",
            "renewal_years": 3,
            "renewal_confirm": True,
        }
    )
    assert responses(dispatcher) == ["utter_renewal_applied", "utter_faq/renewal_faster_payment"]
    applied = dispatcher.messages[0]
    assert (applied["first"], applied["last"]) == ("2026年11月29日", "2026年12月6日")
    with session_scope(demo_db) as session:
        order = repository.latest_order(session, "VBCL-4821-7730-1956-2204")
        mails = repository.pending_mails(session)
    assert (order.years, order.payment_method, order.status) == (3, "振込用紙", "awaiting_payment")
    assert [m.to_address for m in mails] == [NAKAMURA]
    # A second application while the first waits for its payment is refused.
    dispatcher, slots = await renewal_step("VBCL-4821-7730-1956-2204", {"requested_slot": "serial_number"})
    assert responses(dispatcher) == ["utter_renewal_order_pending"] and slots["form_stopped"] is True


@pytest.mark.parametrize(
    "serial, said",
    [
        ("VBCL-2267-8415-3309-7742", ["utter_serial_not_yours"]),  # kato's
        ("VBCL-7705-3361-9428-0517", ["utter_renewal_too_early"]),
    ],
)
async def test_renewal_form_refuses_serials_that_cannot_be_applied_for(demo_db, serial, said):
    dispatcher, slots = await renewal_step(serial, {"requested_slot": "serial_number"})
    assert responses(dispatcher) == said
    assert slots["serial_number"] is None


async def test_upgrade_by_slip_is_explained_not_ordered(demo_db):
    dispatcher, slots = await renewal_step(
        "VBDL-6142-8857-2031-4496",
        {"requested_slot": "serial_number", "renewal_product": "ウイルスバスター トータルセキュリティ"},
    )
    assert responses(dispatcher) == ["utter_upgrade_card_only", "utter_upgrade_needs_auto_renewal_cancelled"]
    assert slots["form_stopped"] is True
    dispatcher, _ = await do_task({"task": "apply_renewal", **verified_as(NAKAMURA), "form_stopped": True})
    with session_scope(demo_db) as session:
        assert repository.latest_order(session, "VBDL-6142-8857-2031-4496") is None


async def test_a_serial_named_before_verification_is_checked_after_it(demo_db):
    dispatcher, events = await do_task(
        {"task": "apply_renewal", **verified_as("kato@example.jp"), "serial_number": "VBCL-2267-8415-3309-7742"}
    )
    assert responses(dispatcher) == ["utter_renewal_too_late"]
    assert not any(e.get("event") == "followup" for e in events)


async def test_bad_years_are_explained_on_the_second_try(demo_db):
    _, slots = await renewal_step(
        "5年", {"requested_slot": "renewal_years", "serial_number": "VBCL-4821-7730-1956-2204"}
    )
    assert slots["format_failures"] == 1
    dispatcher, _ = await renewal_step(
        "ずっと", {"requested_slot": "renewal_years", "format_failures": 1, "serial_number": "VBCL-4821-7730-1956-2204"}
    )
    assert responses(dispatcher) == ["utter_years_format"]


async def test_cancelling_forgets_half_given_answers(demo_db):
    dispatcher = CollectingDispatcher()
    events = await ActionCancelTask().run(
        dispatcher,
        tracker(
            "やめます",
            intent="deny",
            active_loop="renewal_form",
            slots={"task": "apply_renewal", "serial_number": "VBCL-4821-7730-1956-2204", "renewal_years": 2},
        ),
        DOMAIN,
    )
    slots = slot_values(events)
    assert responses(dispatcher) == ["utter_task_cancelled"]
    assert slots["serial_number"] is None and slots["renewal_years"] is None and slots["task"] is None
    assert {"event": "active_loop", "name": None, "timestamp": None} in events
