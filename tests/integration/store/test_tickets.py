"""Handoff tickets on SQLite and PostgreSQL."""

from datetime import datetime, timedelta

import pytest
from sqlalchemy.exc import IntegrityError

from bot.domain.clock import JST
from bot.store import tickets
from bot.store.db import session_scope


def new_ticket(session, sender="web-1", priority="normal", category="その他"):
    return tickets.create_ticket(
        session,
        sender_id=sender,
        channel="socketio",
        category=category,
        priority=priority,
        summary="担当者との対話を希望",
        verified_email=None,
        contact_email="kato@example.jp",
        fields={"serial_number": "VBCL-****-****-****-7742"},
        transcript=[{"who": "customer", "text": "担当者と話したい"}],
        conversation_offset=7,
    )


def test_ticket_round_trip(migrated_url):
    with session_scope(migrated_url) as session:
        created = new_ticket(session)
    with session_scope(migrated_url) as session:
        ticket = tickets.get_ticket(session, created.id)
    assert ticket == created
    assert ticket.number == f"T{created.id:06d}"
    assert ticket.fields == {"serial_number": "VBCL-****-****-****-7742"}
    assert ticket.transcript == ({"who": "customer", "text": "担当者と話したい"},)
    assert ticket.status == "open" and ticket.conversation_offset == 7


def test_inbox_order_is_priority_then_age_and_closed_tickets_leave_it(migrated_url, monkeypatch):
    start = datetime(2026, 11, 24, 9, 0, tzinfo=JST)
    ids = []
    for minutes, priority in ((0, "normal"), (1, "high"), (2, "normal"), (3, "high")):
        monkeypatch.setattr("bot.domain.clock.now", lambda m=minutes: start + timedelta(minutes=m))
        with session_scope(migrated_url) as session:
            ids.append(new_ticket(session, sender=f"s{minutes}", priority=priority).id)
    with session_scope(migrated_url) as session:
        tickets.close_ticket(session, ids[3], "agent-a")
    with session_scope(migrated_url) as session:
        assert [t.id for t in tickets.unfinished_tickets(session)] == [ids[1], ids[0], ids[2]]


def test_claim_then_close(migrated_url):
    with session_scope(migrated_url) as session:
        ticket_id = new_ticket(session).id
    with session_scope(migrated_url) as session:
        claimed = tickets.claim_ticket(session, ticket_id, "agent-a")
        assert (claimed.status, claimed.agent) == ("claimed", "agent-a")
        assert tickets.unfinished_ticket_of(session, "web-1").id == ticket_id
    with session_scope(migrated_url) as session:
        closed = tickets.close_ticket(session, ticket_id, "agent-a")
        assert closed.status == "closed" and closed.closed_at is not None
        assert tickets.unfinished_ticket_of(session, "web-1") is None
    with session_scope(migrated_url) as session, pytest.raises(tickets.TicketClosed):
        tickets.claim_ticket(session, ticket_id, "agent-b")
    with session_scope(migrated_url) as session, pytest.raises(tickets.UnknownTicket):
        tickets.close_ticket(session, 999_999, "agent-b")


def test_the_database_refuses_unknown_categories(migrated_url):
    with pytest.raises(IntegrityError), session_scope(migrated_url) as session:
        new_ticket(session, category="雑談")


def test_one_agent_holds_a_ticket(migrated_url):
    with session_scope(migrated_url) as session:
        ticket_id = new_ticket(session).id
    with session_scope(migrated_url) as session, pytest.raises(tickets.TicketNotClaimed):
        tickets.ticket_for(session, ticket_id, "agent-a")  # nobody writes to a customer before claiming
    with session_scope(migrated_url) as session:
        tickets.claim_ticket(session, ticket_id, "agent-a")
        assert tickets.claim_ticket(session, ticket_id, "agent-a").agent == "agent-a"  # again: no change
        assert tickets.ticket_for(session, ticket_id, "agent-a").id == ticket_id
    for other_agent_does in (tickets.claim_ticket, tickets.close_ticket, tickets.ticket_for):
        with session_scope(migrated_url) as session, pytest.raises(tickets.TicketTaken):
            other_agent_does(session, ticket_id, "agent-b")
    with session_scope(migrated_url) as session:
        assert tickets.get_ticket(session, ticket_id).agent == "agent-a"
