"""Nothing about an account is said or changed before the customer is verified."""

import time

import jwt
import pytest
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.tasks import ActionDoTask
from bot.actions.verification import ActionRememberTask, ValidateVerifyForm
from tracker_helpers import DOMAIN, responses, slot_values, tracker

YAMADA = "yamada@sample-shoji.co.jp"
SAMPLE_CODE = "TB-3KQ7-M2X9P-4HD8W-7RT5N-Q6J3C-9ZV2L"
OTHER_CODE = "TB-8WN4-C6R2T-1PX7K-5MQ9D-3HL8F-2BV6G"


async def submit(text, slots=None):
    dispatcher = CollectingDispatcher()
    events = await ValidateVerifyForm().run(
        dispatcher, tracker(text, slots={"requested_slot": "email", **(slots or {})}, active_loop="verify_form"), DOMAIN
    )
    return dispatcher, slot_values(events)


async def test_matching_email_and_activation_code_verify(demo_db):
    dispatcher, slots = await submit(f"{YAMADA.upper()} {SAMPLE_CODE.lower().replace('-', ' ')}")
    assert slots["verified_email"] == YAMADA
    assert responses(dispatcher) == ["utter_verified"]
    assert slots["requested_slot"] is None  # the form ends


async def test_matching_email_and_own_serial_verify(demo_db):
    _, slots = await submit("nakamura@example.jp VBCL-4821-7730-1956-2204")
    assert slots["verified_email"] == "nakamura@example.jp"


@pytest.mark.parametrize(
    "text",
    [
        f"{YAMADA} {OTHER_CODE}",  # someone else's code
        f"nobody@example.jp {SAMPLE_CODE}",  # unknown address
        f"{YAMADA} VBCL-4821-7730-1956-2204",  # someone else's serial
        "kato@example.jp VBCL-0000-0000-0000-0000",  # unknown serial
    ],
)
async def test_mismatch_and_unknown_get_the_same_answer_and_nothing_is_kept(demo_db, text):
    dispatcher, slots = await submit(text)
    assert responses(dispatcher) == ["utter_verification_failed"]
    assert "verified_email" not in slots
    assert slots["email"] is None and slots["proof"] is None
    assert slots["verification_failures"] == 1


async def test_third_failure_stops_asking_and_offers_a_person(demo_db):
    dispatcher, slots = await submit(f"nobody@example.jp {SAMPLE_CODE}", {"verification_failures": 2})
    assert responses(dispatcher) == ["utter_verification_locked"]
    assert slots["verification_failures"] == 3
    assert slots["requested_slot"] is None
    # A fourth try is not even checked: the right pair no longer unlocks anything.
    dispatcher, slots = await submit(f"{YAMADA} {SAMPLE_CODE}", {"verification_failures": 3})
    assert "verified_email" not in slots
    assert "utter_verified" not in responses(dispatcher)


async def test_badly_formatted_email_is_explained_after_two_tries(demo_db):
    dispatcher, slots = await submit("yamada at sample-shoji", {"format_failures": 0})
    assert responses(dispatcher) == [] and slots["format_failures"] == 1
    dispatcher, slots = await submit("yamada at sample-shoji", {"format_failures": 1})
    assert responses(dispatcher) == ["utter_email_format"]


async def test_a_question_in_the_middle_is_not_taken_for_a_bad_email(demo_db):
    dispatcher = CollectingDispatcher()
    events = await ValidateVerifyForm().run(
        dispatcher,
        tracker("パスワードを忘れました", intent="faq", slots={"requested_slot": "email"}, active_loop="verify_form"),
        DOMAIN,
    )
    assert responses(dispatcher) == []
    assert "format_failures" not in slot_values(events)


async def test_unverified_task_reveals_nothing(demo_db):
    dispatcher = CollectingDispatcher()
    await ActionDoTask().run(dispatcher, tracker("", slots={"task": "account_status"}), DOMAIN)
    assert dispatcher.messages == []


def token(secret, **claims):
    return jwt.encode({"exp": int(time.time()) + 600, **claims}, secret, algorithm="HS256")


@pytest.mark.parametrize(
    "make_token, verified",
    [
        (lambda: token("page-secret", email="Yamada@Sample-Shoji.co.jp"), YAMADA),
        (lambda: token("forged-secret", email=YAMADA), None),
        (lambda: jwt.encode({"exp": int(time.time()) - 10, "email": YAMADA}, "page-secret", algorithm="HS256"), None),
        (lambda: "not-a-token", None),
    ],
)
async def test_signed_identity_token_from_the_page(demo_db, monkeypatch, make_token, verified):
    monkeypatch.setenv("BOT_JWT_SECRET", "page-secret")
    events = await ActionRememberTask().run(
        CollectingDispatcher(),
        tracker(
            "アカウントの状態を確認したい",
            intent="check_account_status",
            metadata={"customData": {"token": make_token()}},
        ),
        DOMAIN,
    )
    slots = slot_values(events)
    assert slots["task"] == "account_status"
    assert slots.get("verified_email") == verified
