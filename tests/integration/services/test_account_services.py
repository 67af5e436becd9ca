"""Portal accounts and CC addresses as the services give them to the actions, on both databases
(today: 2026-11-22)."""

from datetime import date

import pytest

from bot.services import accounts, cc_addresses
from bot.services.accounts import PasswordMail
from bot.store import repository
from bot.store.db import session_scope
from bot.support.account import AccountState
from bot.support.contact import CcError, CcOperation

OPEN_CODE = "TB-5RD2-H8L4Q-3NZ7V-9KC1W-6PM5X-1GT8B"
ENDED_CODE = "TB-8WN4-C6R2T-1PX7K-5MQ9D-3HL8F-2BV6G"


def outbox(url, to):
    with session_scope(url) as session:
        return [mail for mail in repository.pending_mails(session) if mail.to_address == to]


@pytest.mark.parametrize(
    "grace_days, state, last_usable",
    [
        (30, AccountState.GRACE, date(2026, 11, 30)),
        # An operator who shortens the grace period (BOT_ACCOUNT_GRACE_DAYS) ends it sooner.
        (14, AccountState.EXPIRED, date(2026, 11, 14)),
    ],
)
async def test_the_standing_of_an_account_past_its_contract_follows_the_grace_period(
    demo_db, grace_days, state, last_usable
):
    standing = await accounts.standing_of("tanaka@test-kogyo.jp", grace_days)
    assert (standing.status.state, standing.status.last_usable) == (state, last_usable)
    assert standing.contract_end == date(2026, 10, 31)


async def test_an_address_without_an_account_has_no_standing(demo_db):
    assert await accounts.standing_of("nobody@example.jp", 30) is None


async def test_the_password_mail_goes_only_to_an_account_still_without_a_password(demo_db, responses):
    assert await accounts.resend_password_mail("sato@sample-shoji.co.jp") is PasswordMail.QUEUED
    assert await accounts.resend_password_mail("yamada@sample-shoji.co.jp") is PasswordMail.ALREADY_SET
    assert await accounts.resend_password_mail("nobody@example.jp") is PasswordMail.NO_ACCOUNT
    [mail] = outbox(demo_db, "sato@sample-shoji.co.jp")
    assert mail.subject == responses["utter_mail_account_created_subject"] and mail.body.startswith("佐藤 花子 様")
    assert outbox(demo_db, "yamada@sample-shoji.co.jp") == []


async def test_a_signup_code_typed_loosely_is_found_as_stored_and_says_whether_it_is_open(demo_db):
    typed = await accounts.signup_code(OPEN_CODE.lower().replace("-", " "))
    assert (typed.code, typed.contract_end, typed.open) == (OPEN_CODE, date(2027, 6, 30), True)
    ended = await accounts.signup_code(ENDED_CODE)
    assert (ended.open, ended.contract_end) == (False, date(2026, 10, 31))
    assert await accounts.signup_code("TB-0000-00000-00000-00000-00000-00000") is None


async def test_sign_up_creates_the_account_and_its_welcome_mail_together(demo_db, responses):
    assert await accounts.sign_up(OPEN_CODE, "石井 直子", "ishii@mirai.example.jp", "03-1234-5678")
    standing = await accounts.standing_of("ishii@mirai.example.jp", 30)
    assert standing.status.state is AccountState.VALID and not standing.password_set
    [mail] = outbox(demo_db, "ishii@mirai.example.jp")
    assert mail.subject == responses["utter_mail_account_created_subject"] and mail.body.startswith("石井 直子 様")


async def test_signing_up_a_registered_address_mails_its_owner_and_keeps_the_account(demo_db, responses):
    assert await accounts.sign_up(OPEN_CODE, "偽 山田", "yamada@sample-shoji.co.jp", "03-1234-5678")
    with session_scope(demo_db) as session:
        assert repository.find_account(session, "yamada@sample-shoji.co.jp").name == "山田 太郎"
    subjects = [mail.subject for mail in outbox(demo_db, "yamada@sample-shoji.co.jp")]
    assert subjects == [responses["utter_mail_already_registered_subject"]]


async def test_an_ended_code_signs_nobody_up(demo_db, snapshot):
    before = snapshot(demo_db)
    assert not await accounts.sign_up(ENDED_CODE, "石井 直子", "ishii@mirai.example.jp", "03-1234-5678")
    assert snapshot(demo_db) == before


async def test_cc_addresses_are_added_and_removed_and_kept(demo_db):
    yamada = "yamada@sample-shoji.co.jp"
    assert await cc_addresses.current(yamada) == ("suzuki@sample-shoji.co.jp",)
    added = await cc_addresses.change(yamada, CcOperation.ADD, "Ito@Sample-Shoji.co.jp")
    assert added.error is None
    assert added.addresses == ("suzuki@sample-shoji.co.jp", "ito@sample-shoji.co.jp")
    removed = await cc_addresses.change(yamada, CcOperation.REMOVE, "suzuki@sample-shoji.co.jp")
    assert removed.addresses == ("ito@sample-shoji.co.jp",)
    assert await cc_addresses.current(yamada) == ("ito@sample-shoji.co.jp",)


@pytest.mark.parametrize(
    "operation, address, error",
    [
        (CcOperation.ADD, "suzuki@sample-shoji.co.jp", CcError.DUPLICATE),
        (CcOperation.ADD, "yamada@sample-shoji.co.jp", CcError.OWN_ADDRESS),
        (CcOperation.REMOVE, "ito@sample-shoji.co.jp", CcError.NOT_IN_LIST),
    ],
)
async def test_a_cc_change_against_the_rules_is_refused_and_changes_nothing(demo_db, operation, address, error):
    change = await cc_addresses.change("yamada@sample-shoji.co.jp", operation, address)
    assert (change.error, change.addresses) == (error, ("suzuki@sample-shoji.co.jp",))
    assert await cc_addresses.current("yamada@sample-shoji.co.jp") == ("suzuki@sample-shoji.co.jp",)


async def test_an_address_without_an_account_has_no_cc_addresses(demo_db):
    assert await cc_addresses.current("nakamura@example.jp") == ()
