"""Filing a handoff ticket from what the conversation says: triage, masking, one ticket per
conversation, on both databases."""

import pytest

from bot.services import tickets
from bot.services.tickets import HandoffRequest
from bot.store import tickets as ticket_store
from bot.store.db import session_scope
from bot.support.triage import Reason

SERIAL = "VBCL-4821-7730-1956-2204"
CODE = "TB-3KQ7-M2X9P-4HD8W-7RT5N-Q6J3C-9ZV2L"


def request(**changes) -> HandoffRequest:
    said = f"{SERIAL} の更新はいつまでできますか"
    asked = {"event": "user", "text": said, "parse_data": {"intent": {"name": "check_renewal"}}}
    values = dict(
        sender_id="web-1",
        channel="socketio",
        reason=Reason.CUSTOMER_ASKED,
        topics=["check_renewal"],
        last_question=said,
        verified_email=None,
        contact_email="kato@example.jp",
        details={},
        known_identifiers={},
        product=None,
        events=[asked, {"event": "bot", "text": "…"}],
    )
    return HandoffRequest(**{**values, **changes})


def unfinished(url):
    with session_scope(url) as session:
        return ticket_store.unfinished_tickets(session)


async def test_the_ticket_has_the_queue_of_the_topic_and_masks_what_the_agent_reads(demo_db):
    number = await tickets.file_ticket(request(details={"serial_number": SERIAL, "paid_on": "2026-11-05"}))
    [ticket] = unfinished(demo_db)
    assert ticket.number == number
    assert (ticket.category, ticket.priority, ticket.contact_email) == ("契約更新・支払い", "normal", "kato@example.jp")
    assert ticket.fields == {
        "serial_number": "VBCL-****-****-****-2204",
        "paid_on": "2026-11-05",
        "reason": "customer_asked",
    }
    assert ticket.summary.startswith("【契約更新・支払い】お客さまが担当者との対応を希望。\nご本人確認: 未")
    assert [line["who"] for line in ticket.transcript] == ["customer", "bot"]
    assert ticket.last_question == "VBCL-****-****-****-2204 の更新はいつまでできますか"
    assert "4821" not in ticket.summary + ticket.last_question + str(ticket.transcript)
    assert ticket.conversation_offset == 2


@pytest.mark.parametrize(
    "reason, verified, priority",
    [
        (Reason.CUSTOMER_ASKED, "yamada@sample-shoji.co.jp", "high"),  # サンプル商事 has the premium service
        (Reason.CUSTOMER_ASKED, "tanaka@test-kogyo.jp", "normal"),
        (Reason.PAYMENT_OVERDUE, None, "high"),
    ],
)
async def test_premium_customers_and_overdue_payments_come_first(demo_db, reason, verified, priority):
    await tickets.file_ticket(request(reason=reason, verified_email=verified))
    [ticket] = unfinished(demo_db)
    assert (ticket.priority, ticket.verified_email) == (priority, verified)


BOTH = {"serial_number": SERIAL, "activation_code": CODE}


@pytest.mark.parametrize(
    "topics, known, identifier",
    [
        (["check_renewal"], BOTH, "VBCL-****-****-****-2204"),
        (["faq/portal_first_login"], BOTH, "TB-****-*****-*****-*****-*****-9ZV2L"),
        # その他: no identifier is what its agents start from.
        (["out_of_scope"], {"serial_number": SERIAL}, None),
    ],
)
async def test_the_identifier_the_queue_starts_from_is_taken_from_the_conversation(demo_db, topics, known, identifier):
    await tickets.file_ticket(request(topics=topics, known_identifiers=known))
    [ticket] = unfinished(demo_db)
    assert ticket.fields.get("handoff_identifier") == identifier


async def test_one_ticket_per_conversation_until_an_agent_closes_it(demo_db):
    first = await tickets.file_ticket(request())
    assert await tickets.has_unfinished_ticket("web-1")
    assert not await tickets.has_unfinished_ticket("web-2")
    assert await tickets.file_ticket(request(reason=Reason.FRUSTRATION)) == first
    assert len(unfinished(demo_db)) == 1
    with session_scope(demo_db) as session:
        ticket_store.close_ticket(session, unfinished(demo_db)[0].id, "agent-1")
    assert not await tickets.has_unfinished_ticket("web-1")
    assert await tickets.file_ticket(request()) != first
