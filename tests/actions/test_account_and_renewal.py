"""What verified demo customers are told about their own account and licences (today: 2026-11-22)."""

import pytest
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.tasks import ActionDoTask
from bot.store import repository
from bot.store.db import session_scope
from tracker_helpers import DOMAIN, responses, tracker, verified_as


async def do(task, email, serial=None):
    dispatcher = CollectingDispatcher()
    await ActionDoTask().run(
        dispatcher, tracker("", slots={"task": task, **verified_as(email), "serial_number": serial}), DOMAIN
    )
    return dispatcher


@pytest.mark.parametrize(
    "email, response, last_usable",
    [
        ("yamada@sample-shoji.co.jp", "utter_account_valid", None),
        ("tanaka@test-kogyo.jp", "utter_account_grace", "2026年11月30日"),
        ("kimura@old-client.jp", "utter_account_expired", None),
    ],
)
async def test_account_status(demo_db, email, response, last_usable):
    dispatcher = await do("account_status", email)
    assert responses(dispatcher)[0] == response
    if last_usable:
        assert dispatcher.messages[0]["last_usable"] == last_usable


async def test_password_not_set_is_offered_a_new_mail_which_lands_in_the_outbox(demo_db):
    dispatcher = await do("account_status", "sato@sample-shoji.co.jp")
    assert responses(dispatcher) == ["utter_account_valid", "utter_password_not_set"]
    dispatcher = await do("resend_password_mail", "sato@sample-shoji.co.jp")
    assert responses(dispatcher) == ["utter_password_mail_sent"]
    with session_scope(demo_db) as session:
        mails = [m for m in repository.pending_mails(session) if m.to_address == "sato@sample-shoji.co.jp"]
    assert len(mails) == 1 and "アカウント作成完了" in mails[0].subject


async def test_no_mail_when_the_password_is_already_set(demo_db):
    dispatcher = await do("resend_password_mail", "yamada@sample-shoji.co.jp")
    assert responses(dispatcher) == ["utter_password_already_set"]
    with session_scope(demo_db) as session:
        assert repository.pending_mails(session) == ()


@pytest.mark.parametrize(
    "email, serial, expected",
    [
        ("nakamura@example.jp", "VBCL-4821-7730-1956-2204", ["utter_renewal_ok", "utter_renew_in_account"]),
        ("kobayashi@example.jp", "vbcl 9034 1178 5520 6631", ["utter_renewal_ok", "utter_renew_from_product"]),
        ("kato@example.jp", "VBCL-2267-8415-3309-7742", ["utter_renewal_too_late"]),
        ("watanabe@example.jp", "TSPM-5518-2093-6674-1180", ["utter_renewal_ok_no_limit", "utter_renew_from_product"]),
        ("nakamura@example.jp", "VBCL-7705-3361-9428-0517", ["utter_renewal_too_early"]),
        ("nakamura@example.jp", "VBDL-6142-8857-2031-4496",
         ["utter_renewal_ok", "utter_renew_in_account", "utter_upgrade_needs_auto_renewal_cancelled"]),
        ("nakamura@example.jp", "VBCL-9034-1178-5520-6631", ["utter_serial_not_yours"]),
    ],
)
async def test_renewal_check_of_each_demo_licence(demo_db, email, serial, expected):
    dispatcher = await do("check_renewal", email, serial)
    assert responses(dispatcher) == expected


async def test_renewal_dates_are_the_guides(demo_db):
    early = (await do("check_renewal", "nakamura@example.jp", "VBCL-7705-3361-9428-0517")).messages[0]
    assert early["from_date"] == "2027年9月30日"
    ok = (await do("check_renewal", "kobayashi@example.jp", "VBCL-9034-1178-5520-6631")).messages[0]
    assert ok["until"] == "2027年8月31日"


async def test_without_a_serial_every_licence_of_the_customer_is_checked(demo_db):
    dispatcher = await do("check_renewal", "nakamura@example.jp")
    serials = {m["serial"] for m in dispatcher.messages if "serial" in m}
    assert serials == {"VBCL-4821-7730-1956-2204", "VBCL-7705-3361-9428-0517", "VBDL-6142-8857-2031-4496"}
