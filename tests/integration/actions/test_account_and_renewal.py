"""What verified demo customers are told about their own account and licences (today: 2026-11-22):
on the demo database, and with a fake accounts service for what the action makes of each answer."""

from datetime import date

import pytest
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.tasks import ActionDoTask
from bot.services.accounts import PasswordMail, Standing
from bot.store import repository
from bot.store.db import session_scope
from bot.support.account import AccountState, AccountStatus
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
        (
            "nakamura@example.jp",
            "VBDL-6142-8857-2031-4496",
            ["utter_renewal_ok", "utter_renew_in_account", "utter_upgrade_needs_auto_renewal_cancelled"],
        ),
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


class FakeAccounts:
    """The accounts service as the actions see it, answering what a test sets."""

    def __init__(self, standing=None, password_mail=PasswordMail.QUEUED):
        self.standing, self.password_mail, self.calls = standing, password_mail, []

    async def standing_of(self, email, grace_days):
        self.calls.append(("standing_of", email, grace_days))
        return self.standing

    async def resend_password_mail(self, email):
        self.calls.append(("resend_password_mail", email))
        return self.password_mail


def standing(state, last_usable, password_set=True):
    return Standing(AccountStatus(state, last_usable), date(2026, 10, 31), password_set)


async def test_the_account_status_is_said_with_the_grace_period_the_operator_set(fake_service, monkeypatch):
    monkeypatch.setenv("BOT_ACCOUNT_GRACE_DAYS", "14")
    accounts = fake_service("accounts", FakeAccounts(standing(AccountState.GRACE, date(2026, 11, 14))))
    dispatcher = await do("account_status", "tanaka@test-kogyo.jp")
    assert accounts.calls == [("standing_of", "tanaka@test-kogyo.jp", 14)]
    [message] = dispatcher.messages
    assert message["response"] == "utter_account_grace"
    assert (message["contract_end"], message["last_usable"]) == ("2026年10月31日", "2026年11月14日")


@pytest.mark.parametrize(
    "state, password_set, said",
    [
        (AccountState.VALID, False, ["utter_account_valid", "utter_password_not_set"]),
        (AccountState.VALID, True, ["utter_account_valid"]),
        # An expired account's password mail would lead nowhere.
        (AccountState.EXPIRED, False, ["utter_account_expired"]),
    ],
)
async def test_the_password_mail_is_offered_only_where_it_helps(fake_service, state, password_set, said):
    fake_service("accounts", FakeAccounts(standing(state, date(2027, 3, 31), password_set)))
    assert responses(await do("account_status", "sato@sample-shoji.co.jp")) == said


async def test_an_address_without_an_account_is_told_so(fake_service):
    fake_service("accounts", FakeAccounts(standing=None))
    assert responses(await do("account_status", "nakamura@example.jp")) == ["utter_account_not_found"]


@pytest.mark.parametrize(
    "outcome, said",
    [
        (PasswordMail.QUEUED, "utter_password_mail_sent"),
        (PasswordMail.ALREADY_SET, "utter_password_already_set"),
        (PasswordMail.NO_ACCOUNT, "utter_account_not_found"),
    ],
)
async def test_each_outcome_of_the_password_mail_has_its_answer(fake_service, outcome, said):
    accounts = fake_service("accounts", FakeAccounts(password_mail=outcome))
    assert responses(await do("resend_password_mail", "sato@sample-shoji.co.jp")) == [said]
    assert accounts.calls == [("resend_password_mail", "sato@sample-shoji.co.jp")]
