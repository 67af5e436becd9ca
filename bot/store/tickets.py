"""Queries on handoff tickets. Like bot.store.repository, callers get frozen records."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Dict, List, Optional, Tuple

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from bot.domain import clock
from bot.store import models as m
from bot.store.repository import StoreError


class UnknownTicket(StoreError):
    pass


class TicketClosed(StoreError):
    """A closed ticket cannot be claimed or closed again."""


class TicketTaken(StoreError):
    """Another agent has claimed the ticket: one agent talks to a customer at a time."""


class TicketNotClaimed(StoreError):
    """Nobody has claimed the ticket yet: an agent claims it before writing to the customer."""


@dataclass(frozen=True)
class TicketRecord:
    id: int
    number: str
    sender_id: str
    channel: str
    category: str
    priority: str
    status: str
    summary: str
    last_question: Optional[str]
    verified_email: Optional[str]
    contact_email: Optional[str]
    fields: Dict[str, Any]
    transcript: Tuple[Dict[str, str], ...]
    conversation_offset: int
    agent: Optional[str]
    created_at: datetime
    updated_at: datetime
    closed_at: Optional[datetime]


def ticket_number(ticket_id: int) -> str:
    """What the customer is told and the agent searches for."""
    return f"T{ticket_id:06d}"


def create_ticket(
    session: Session,
    *,
    sender_id: str,
    channel: str,
    category: str,
    priority: str,
    summary: str,
    verified_email: Optional[str],
    contact_email: Optional[str],
    fields: Dict[str, Any],
    transcript: List[Dict[str, str]],
    conversation_offset: int,
    last_question: Optional[str] = None,
) -> TicketRecord:
    now = clock.now()
    ticket = m.Ticket(
        sender_id=sender_id,
        channel=channel,
        category=category,
        priority=priority,
        status=m.TICKET_OPEN,
        summary=summary,
        last_question=last_question,
        verified_email=verified_email,
        contact_email=contact_email,
        fields=json.dumps(fields, ensure_ascii=False),
        transcript=json.dumps(transcript, ensure_ascii=False),
        conversation_offset=conversation_offset,
        created_at=now,
        updated_at=now,
    )
    session.add(ticket)
    session.flush()
    return _record(ticket)


def get_ticket(session: Session, ticket_id: int) -> Optional[TicketRecord]:
    ticket = session.get(m.Ticket, ticket_id)
    return None if ticket is None else _record(ticket)


def unfinished_ticket_of(session: Session, sender_id: str) -> Optional[TicketRecord]:
    """The conversation's ticket that is not closed yet: one handoff at a time per conversation."""
    ticket = session.scalar(
        select(m.Ticket)
        .where(m.Ticket.sender_id == sender_id, m.Ticket.status != m.TICKET_CLOSED)
        .order_by(m.Ticket.id.desc())
        .limit(1)
    )
    return None if ticket is None else _record(ticket)


def unfinished_tickets(session: Session, limit: int = 200) -> Tuple[TicketRecord, ...]:
    """Open and claimed tickets, high priority first, oldest first within a priority."""
    high_first = case((m.Ticket.priority == m.HIGH, 0), else_=1)
    tickets = session.scalars(
        select(m.Ticket)
        .where(m.Ticket.status != m.TICKET_CLOSED)
        .order_by(high_first, m.Ticket.created_at, m.Ticket.id)
        .limit(limit)
    )
    return tuple(_record(ticket) for ticket in tickets)


def unfinished_counts(session: Session) -> Dict[str, int]:
    """How many tickets wait for an agent (open) and how many an agent holds (claimed)."""
    rows = session.execute(
        select(m.Ticket.status, func.count()).where(m.Ticket.status != m.TICKET_CLOSED).group_by(m.Ticket.status)
    )
    return {m.TICKET_OPEN: 0, m.TICKET_CLAIMED: 0, **dict(rows.all())}


def claim_ticket(session: Session, ticket_id: int, agent: str) -> TicketRecord:
    """The ticket, now `agent`'s (claiming one's own ticket again changes nothing)."""
    ticket = _held_by(session, ticket_id, agent)
    ticket.status, ticket.agent, ticket.updated_at = m.TICKET_CLAIMED, agent, clock.now()
    session.flush()
    return _record(ticket)


def close_ticket(session: Session, ticket_id: int, agent: str) -> TicketRecord:
    ticket = _held_by(session, ticket_id, agent)
    now = clock.now()
    ticket.status, ticket.agent, ticket.updated_at, ticket.closed_at = m.TICKET_CLOSED, agent, now, now
    session.flush()
    return _record(ticket)


def ticket_for(session: Session, ticket_id: int, agent: str) -> TicketRecord:
    """The ticket if `agent` may write to its customer now: it must have claimed it."""
    ticket = _held_by(session, ticket_id, agent)
    if ticket.status != m.TICKET_CLAIMED:
        raise TicketNotClaimed(ticket_id)
    return _record(ticket)


def _held_by(session: Session, ticket_id: int, agent: str) -> m.Ticket:
    """An unfinished ticket that is open or already `agent`'s."""
    # Row lock on PostgreSQL, so two agents cannot both claim or close the same ticket.
    ticket = session.scalar(select(m.Ticket).where(m.Ticket.id == ticket_id).with_for_update())
    if ticket is None:
        raise UnknownTicket(ticket_id)
    if ticket.status == m.TICKET_CLOSED:
        raise TicketClosed(ticket_id)
    if ticket.status == m.TICKET_CLAIMED and ticket.agent != agent:
        raise TicketTaken(ticket_id)
    return ticket


def _record(ticket: m.Ticket) -> TicketRecord:
    return TicketRecord(
        id=ticket.id,
        number=ticket_number(ticket.id),
        sender_id=ticket.sender_id,
        channel=ticket.channel,
        category=ticket.category,
        priority=ticket.priority,
        status=ticket.status,
        summary=ticket.summary,
        last_question=ticket.last_question,
        verified_email=ticket.verified_email,
        contact_email=ticket.contact_email,
        fields=json.loads(ticket.fields),
        transcript=tuple(json.loads(ticket.transcript)),
        conversation_offset=ticket.conversation_offset,
        agent=ticket.agent,
        created_at=ticket.created_at,
        updated_at=ticket.updated_at,
        closed_at=ticket.closed_at,
    )


def unfinished_sender_ids(session: Session) -> Tuple[str, ...]:
    """Conversations a person still has: retention leaves them alone."""
    return tuple(session.scalars(select(m.Ticket.sender_id).where(m.Ticket.status != m.TICKET_CLOSED).distinct()))


def forget_transcripts(session: Session, closed_before: datetime) -> int:
    """Drop the transcript and the customer's last question of tickets closed before `closed_before`;
    category, priority, summary, dates and the masked fields stay for the records."""
    old = session.scalars(
        select(m.Ticket).where(
            m.Ticket.status == m.TICKET_CLOSED, m.Ticket.closed_at < closed_before, m.Ticket.transcript != "[]"
        )
    ).all()
    for ticket in old:
        ticket.transcript, ticket.last_question = "[]", None
    session.flush()
    return len(old)
