"""Licences, renewal applications and verification by proof: the one ownership check they share,
on both databases (today: 2026-11-22)."""

from datetime import date

import pytest

from bot.domain.vocabulary import TOTAL_SECURITY
from bot.services import licences, renewal_orders, verification
from bot.store import repository
from bot.store.db import session_scope
from bot.support.renewal import RenewalReason, SlipApplicationBlock

NAKAMURA = "nakamura@example.jp"
OWN = "VBCL-4821-7730-1956-2204"
KOBAYASHIS = "VBCL-9034-1178-5520-6631"


async def test_a_named_serial_of_the_customer_comes_with_its_renewal_today(demo_db):
    options = await licences.renewal_options(NAKAMURA, OWN)
    [licence] = options.licences
    assert not options.serial_not_theirs
    assert (licence.serial, licence.expiry) == (OWN, date(2027, 1, 15))
    assert licence.assessment.reason is RenewalReason.OK and licence.assessment.window_end == date(2029, 1, 15)


@pytest.mark.parametrize("serial", [KOBAYASHIS, "VBCL-0000-0000-0000-0000"])
async def test_someone_elses_serial_and_an_unknown_one_read_the_same(demo_db, serial):
    options = await licences.renewal_options(NAKAMURA, serial)
    assert options.serial_not_theirs and options.licences == ()


async def test_without_a_serial_all_the_customers_licences_come_soonest_expiry_first(demo_db):
    options = await licences.renewal_options(NAKAMURA, None)
    assert [licence.serial for licence in options.licences] == [
        "VBDL-6142-8857-2031-4496",
        OWN,
        "VBCL-7705-3361-9428-0517",
    ]


@pytest.mark.parametrize(
    "email, proof, belongs",
    [
        ("yamada@sample-shoji.co.jp", "TB-3KQ7-M2X9P-4HD8W-7RT5N-Q6J3C-9ZV2L", True),
        ("yamada@sample-shoji.co.jp", "TB-8WN4-C6R2T-1PX7K-5MQ9D-3HL8F-2BV6G", False),
        (NAKAMURA, "vbcl 4821 7730 1956 2204", True),
        # The address as typed, in capitals: the account's check has always taken it; the licence's now does too.
        ("Nakamura@Example.jp", OWN, True),
        (NAKAMURA, KOBAYASHIS, False),
        ("nobody@example.jp", OWN, False),
        (NAKAMURA, "not a proof", False),
    ],
)
async def test_a_proof_belongs_to_an_address_or_not(demo_db, email, proof, belongs):
    assert await verification.proof_matches(email, proof) is belongs


async def test_a_renewable_serial_of_the_customer_can_be_applied_for(demo_db):
    check = await renewal_orders.check_application(NAKAMURA, OWN, None)
    assert check.licence.serial == OWN and check.block is None and check.pending_since is None


@pytest.mark.parametrize(
    "email, serial, wanted, block",
    [
        ("kato@example.jp", "VBCL-2267-8415-3309-7742", None, SlipApplicationBlock.NOT_RENEWABLE),
        (NAKAMURA, "VBDL-6142-8857-2031-4496", TOTAL_SECURITY, SlipApplicationBlock.UPGRADE_NEEDS_CARD),
    ],
)
async def test_why_a_serial_cannot_be_applied_for(demo_db, email, serial, wanted, block):
    assert (await renewal_orders.check_application(email, serial, wanted)).block is block


@pytest.mark.parametrize("email", [NAKAMURA, None])
async def test_someone_elses_serial_cannot_be_applied_for_and_nobody_owns_one_unverified(demo_db, email):
    assert (await renewal_orders.check_application(email, KOBAYASHIS, None)).licence is None


async def test_an_order_comes_with_its_confirmation_mail_and_blocks_a_second_slip(demo_db, responses):
    order = await renewal_orders.place_order(NAKAMURA, OWN, 2, None)
    assert (order.serial, order.years) == (OWN, 2)
    assert (order.slip_first, order.slip_last) == (date(2026, 11, 29), date(2026, 12, 6))
    with session_scope(demo_db) as session:
        [mail] = [mail for mail in repository.pending_mails(session) if mail.to_address == NAKAMURA]
        assert repository.latest_order(session, OWN).id == order.order_id
    assert mail.subject == responses["utter_mail_renewal_order_subject"]
    assert OWN in mail.body and "2026年11月29日から2026年12月6日" in mail.body

    pending = await renewal_orders.check_application(NAKAMURA, OWN, None)
    assert (pending.block, pending.pending_since) == (SlipApplicationBlock.ORDER_PENDING, date(2026, 11, 22))
    assert await renewal_orders.place_order(NAKAMURA, OWN, 1, None) is None


@pytest.mark.parametrize(
    "email, serial, wanted",
    [
        (NAKAMURA, KOBAYASHIS, None),
        ("kato@example.jp", "VBCL-2267-8415-3309-7742", None),
        (NAKAMURA, "VBDL-6142-8857-2031-4496", TOTAL_SECURITY),
    ],
)
async def test_an_order_that_cannot_be_placed_writes_nothing(demo_db, snapshot, email, serial, wanted):
    before = snapshot(demo_db)
    assert await renewal_orders.place_order(email, serial, 1, wanted) is None
    assert snapshot(demo_db) == before
