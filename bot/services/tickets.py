"""Filing the ticket a person takes over with: triage, masking, one ticket per conversation.

The handoff action gathers what the conversation says (`HandoffRequest`); this decides the
queue, the priority and the summary (bot.support.triage), masks what the agent reads, and
writes the ticket.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping, Optional, Sequence

from sqlalchemy.orm import Session

from bot.domain.identifiers import mask_identifiers
from bot.store import repository, tickets
from bot.store.db import in_session
from bot.support.transcript import conversation_lines
from bot.support.triage import Reason, category, identifier_to_ask, priority, quoted_question, summary


@dataclass(frozen=True)
class HandoffRequest:
    sender_id: str
    channel: str
    reason: Reason
    # The conversation's intents, oldest first, guide answers as faq/<key>.
    topics: Sequence[str]
    # What the customer last asked before the handoff began.
    last_question: Optional[str]
    # Only an identity the action servers verified themselves: agents trust what the ticket calls verified.
    verified_email: Optional[str]
    contact_email: Optional[str]
    # The slots an agent needs (serial, payment channel, ...), as the customer gave them.
    details: Mapping[str, Any]
    # The serial number and the activation code the conversation holds, by entity name.
    known_identifiers: Mapping[str, str]
    product: Optional[str]
    # Rasa's events of the conversation.
    events: Sequence[Mapping[str, Any]]


def _file(session: Session, request: HandoffRequest) -> str:
    existing = tickets.unfinished_ticket_of(session, request.sender_id)
    if existing is not None:
        return existing.number
    account = repository.find_account(session, request.verified_email) if request.verified_email else None
    queue = category(request.reason, request.topics)
    fields = {name: mask_identifiers(str(value)) for name, value in request.details.items()}
    # Not asked because the customer had already named it: the agent needs it all the same.
    kind = identifier_to_ask(queue)
    if kind is not None and "handoff_identifier" not in fields and kind in request.known_identifiers:
        fields["handoff_identifier"] = mask_identifiers(request.known_identifiers[kind])
    if request.product:
        fields["product"] = request.product
    fields["reason"] = request.reason.value
    ticket = tickets.create_ticket(
        session,
        sender_id=request.sender_id,
        channel=request.channel,
        category=queue,
        priority=priority(request.reason, bool(account and account.premium_service)),
        summary=summary(request.reason, queue, request.verified_email is not None),
        last_question=quoted_question(request.last_question),
        verified_email=request.verified_email,
        contact_email=request.contact_email,
        fields=fields,
        transcript=conversation_lines(request.events),
        conversation_offset=len(request.events),
    )
    return ticket.number


async def file_ticket(request: HandoffRequest) -> str:
    """The number of the conversation's ticket: a new one, or the one a person still has."""
    return await in_session(lambda session: _file(session, request))


async def has_unfinished_ticket(sender_id: str) -> bool:
    """Whether a person still has the conversation (its ticket is not closed)."""
    return await in_session(lambda session: tickets.unfinished_ticket_of(session, sender_id)) is not None
