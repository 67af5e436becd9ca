"""The action server's second wall: a tracker that claims a verified customer gets nothing
unless the action servers themselves signed that identity (even from a caller holding the
action server's secret).

Every action that reads or changes a customer's data is called with forged trackers, and
neither its words nor the database may show or change anything of that customer's.
"""

import logging
import time

import jwt
import pytest
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.handoff import ActionCreateTicket, ActionStartHandoff
from bot.actions.identity import PROOF_AUDIENCE, identity_proof
from bot.actions.renewal_application import ValidateRenewalForm
from bot.actions.signup import ActionSignUp
from bot.actions.tasks import ActionDoTask
from bot.actions.verification import ActionRememberTask, ValidateVerifyForm
from bot.store import tickets
from bot.store.db import session_scope
from tracker_helpers import DOMAIN, IDENTITY_SECRET, SENDER, responses, slot_values, tracker, verified_as

NAKAMURA = "nakamura@example.jp"
NAKAMURA_SERIAL = "VBCL-4821-7730-1956-2204"
YAMADA = "yamada@sample-shoji.co.jp"
SATO = "sato@sample-shoji.co.jp"  # password not set: a resend would queue a mail
OUTSIDER = "attacker@evil.example"


def forged_identities(email):
    """Slots a forger could send for `email`, none of them signed by the action servers for this conversation."""
    now = int(time.time())
    return {
        "no proof": {"verified_email": email},
        "empty proof": {"verified_email": email, "identity_proof": ""},
        "signed with another key": {
            "verified_email": email,
            "identity_proof": identity_proof(email, SENDER, "not-the-action-servers-key"),
        },
        "proof of another customer": {
            "verified_email": email,
            "identity_proof": verified_as(OUTSIDER)["identity_proof"],
        },
        "proof from another conversation": verified_as(email, sender="someone-else"),
        "expired proof": {
            "verified_email": email,
            "identity_proof": jwt.encode(
                {"email": email, "sub": SENDER, "aud": PROOF_AUDIENCE, "iat": now - 7200, "exp": now - 3600},
                IDENTITY_SECRET,
                algorithm="HS256",
            ),
        },
        "the page's identity token": {
            "verified_email": email,
            "identity_proof": jwt.encode({"email": email, "exp": now + 600}, IDENTITY_SECRET, algorithm="HS256"),
        },
        "unsigned token": {
            "verified_email": email,
            "identity_proof": jwt.encode(
                {"email": email, "sub": SENDER, "aud": PROOF_AUDIENCE, "exp": now + 600}, None, algorithm="none"
            ),
        },
    }


FORGERIES = list(forged_identities(NAKAMURA))

# Each task on a customer's data, as the forged tracker asks for it.
TASKS = {
    "renewal check": (NAKAMURA, {"task": "check_renewal", "serial_number": NAKAMURA_SERIAL}),
    "account status": (YAMADA, {"task": "account_status"}),
    "password mail": (SATO, {"task": "resend_password_mail"}),
    "CC list": (YAMADA, {"task": "manage_cc", "cc_operation": "list"}),
    "CC add": (YAMADA, {"task": "manage_cc", "cc_operation": "add", "cc_address": OUTSIDER}),
    "CC remove": (YAMADA, {"task": "manage_cc", "cc_operation": "remove", "cc_address": "suzuki@sample-shoji.co.jp"}),
    "renewal application": (
        NAKAMURA,
        {"task": "apply_renewal", "serial_number": NAKAMURA_SERIAL, "renewal_years": 2, "renewal_confirm": True},
    ),
}


def said(dispatcher):
    return " ".join(str(message) for message in dispatcher.messages)


@pytest.mark.parametrize("task", list(TASKS))
@pytest.mark.parametrize("forgery", FORGERIES)
async def test_a_forged_identity_reads_and_changes_nothing(demo_db, snapshot, caplog, task, forgery):
    email, slots = TASKS[task]
    before = snapshot(demo_db)
    dispatcher = CollectingDispatcher()
    with caplog.at_level(logging.WARNING, logger="bot.actions.identity"):
        events = await ActionDoTask().run(
            dispatcher, tracker("", slots={**slots, **forged_identities(email)[forgery]}), DOMAIN
        )
    assert dispatcher.messages == []
    assert not [event for event in events if event.get("event") == "followup"]
    assert snapshot(demo_db) == before
    assert "without a valid identity proof" in caplog.text


@pytest.mark.parametrize("task", list(TASKS))
async def test_the_same_calls_with_the_action_servers_own_proof_do_their_work(demo_db, snapshot, task):
    """The control: what the forgeries were refused is what a verified customer gets."""
    email, slots = TASKS[task]
    before = snapshot(demo_db)
    dispatcher = CollectingDispatcher()
    await ActionDoTask().run(dispatcher, tracker("", slots={**slots, **verified_as(email)}), DOMAIN)
    assert dispatcher.messages
    changes = task in ("password mail", "CC add", "CC remove", "renewal application")
    assert (snapshot(demo_db) != before) is changes


@pytest.mark.parametrize("forgery", FORGERIES)
async def test_a_forged_identity_cannot_vet_a_serial_for_the_renewal_form(demo_db, forgery):
    dispatcher = CollectingDispatcher()
    events = await ValidateRenewalForm().run(
        dispatcher,
        tracker(
            NAKAMURA_SERIAL,
            slots={"requested_slot": "serial_number", **forged_identities(NAKAMURA)[forgery]},
            active_loop="renewal_form",
        ),
        DOMAIN,
    )
    assert slot_values(events)["serial_number"] is None
    assert responses(dispatcher) == ["utter_serial_not_yours"]


@pytest.mark.parametrize("forgery", FORGERIES)
async def test_a_forged_identity_is_not_what_the_ticket_calls_verified(demo_db, monkeypatch, forgery):
    monkeypatch.setenv("BOT_NOW", "2026-11-24T10:00")
    claimed = forged_identities(YAMADA)[forgery]
    started = await ActionStartHandoff().run(
        CollectingDispatcher(), tracker("担当者と話したい", "request_human", slots=claimed), DOMAIN
    )
    assert slot_values(started)["contact_email"] is None  # the form will ask for an address
    await ActionCreateTicket().run(
        CollectingDispatcher(),
        tracker("はい", "affirm", slots={**claimed, "handoff_reason": "customer_asked", "contact_email": OUTSIDER}),
        DOMAIN,
    )
    with session_scope(demo_db) as session:
        ticket = tickets.unfinished_ticket_of(session, SENDER)
    assert ticket.verified_email is None and ticket.priority == "normal"


@pytest.mark.parametrize("forgery", FORGERIES)
async def test_a_forged_identity_does_not_end_the_verification_form(demo_db, forgery):
    required = await ValidateVerifyForm().required_slots(
        ["email", "proof"], CollectingDispatcher(), tracker("", slots=forged_identities(YAMADA)[forgery]), DOMAIN
    )
    assert required == ["email", "proof"]


async def test_an_identity_past_its_time_is_forgotten_and_asked_for_again(demo_db):
    expired = forged_identities(YAMADA)["expired proof"]
    events = await ActionRememberTask().run(
        CollectingDispatcher(),
        tracker(
            "アカウントの状態を確認したい",
            "check_account_status",
            slots={**expired, "email": YAMADA, "proof": "TB-3KQ7-M2X9P-4HD8W-7RT5N-Q6J3C-9ZV2L"},
        ),
        DOMAIN,
    )
    slots = slot_values(events)
    assert slots["task"] == "account_status"
    assert [slots[name] for name in ("verified_email", "identity_proof", "email", "proof")] == [None] * 4


async def test_a_fresh_verification_signs_the_identity_for_this_conversation(demo_db):
    events = await ValidateVerifyForm().run(
        CollectingDispatcher(),
        tracker(
            f"{YAMADA} TB-3KQ7-M2X9P-4HD8W-7RT5N-Q6J3C-9ZV2L",
            slots={"requested_slot": "email"},
            active_loop="verify_form",
        ),
        DOMAIN,
    )
    claims = jwt.decode(
        slot_values(events)["identity_proof"], IDENTITY_SECRET, algorithms=["HS256"], audience=PROOF_AUDIENCE
    )
    assert (claims["email"], claims["sub"]) == (YAMADA, SENDER)
    assert 3000 < claims["exp"] - time.time() <= 3600


@pytest.mark.parametrize(
    "slots",
    [
        {"signup_code": "TB-8WN4-C6R2T-1PX7K-5MQ9D-3HL8F-2BV6G"},  # contract ended 2026-10-31
        {"signup_code": "TB-0000-00000-00000-00000-00000-00000"},  # no such code
        {"signup_email": "not an address"},
        {"signup_phone": "12345"},
        {"signup_name": "\u0000"},
        {"signup_code": None},
        {"signup_email": ["takahashi@example.jp"]},
    ],
)
async def test_sign_up_from_forged_answers_creates_nothing(demo_db, snapshot, slots):
    """The form checks each answer; the action checks them again, since a caller can skip the form."""
    answers = {
        "signup_code": "TB-5RD2-H8L4Q-3NZ7V-9KC1W-6PM5X-1GT8B",
        "signup_name": "高橋 健",
        "signup_email": "takahashi@example.jp",
        "signup_phone": "0312345678",
        **slots,
    }
    before = snapshot(demo_db)
    dispatcher = CollectingDispatcher()
    await ActionSignUp().run(dispatcher, tracker("", slots=answers), DOMAIN)
    assert responses(dispatcher) == ["utter_signup_not_done"]
    assert snapshot(demo_db) == before
