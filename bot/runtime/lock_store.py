"""Rasa's Redis lock store, with every change of a conversation's lock made in one Redis transaction.

Rasa 3.6's RedisLockStore reads a conversation's lock, changes it in Python and writes it back:
to issue a ticket, to drop expired tickets while a message waits (every second), to finish
serving one and to delete the lock when nobody waits. Two Rasa servers doing this at the same
moment for one conversation overwrite each other's change. Then a ticket is issued twice, and two
messages of one customer are handled at once, each answered from a conversation that lacks the
other's turn; or a ticket is lost, and its message waits for a lock that another server deleted
and fails. Six messages of one sender, sent at once to two servers (tests/e2e/scale), showed both.

Here each change is read, made and written inside WATCH/MULTI/EXEC on the lock's key, and made
again from a fresh read when another server changed the lock in between. Configured by module
path in deploy/endpoints-scaled.yml; one Rasa process alone keeps its in-memory lock store.
"""

from __future__ import annotations

import json
from typing import Callable, Optional, Text, TypeVar

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

Result = TypeVar("Result")


class AtomicRedisLockStore(RedisLockStore):
    def __init__(self, endpoint_config: EndpointConfig) -> None:
        # The same settings as Rasa's `type: redis`: the host as `url`, the rest as they are.
        super().__init__(host=endpoint_config.url, **endpoint_config.kwargs)

    def _change(
        self,
        conversation_id: Text,
        change: Callable[[TicketLock], Result],
        *,
        create: bool = False,
        delete_when_idle: bool = False,
    ) -> Optional[Result]:
        """`change` applied to the stored lock atomically; None, and nothing written, when there is
        no lock and `create` is False."""
        key = self.key_prefix + conversation_id

        def attempt(pipe) -> Optional[Result]:
            stored = pipe.get(key)
            if stored is None and not create:
                return None
            lock = TicketLock.from_dict(json.loads(stored)) if stored else self.create_lock(conversation_id)
            result = change(lock)
            pipe.multi()
            if delete_when_idle and not lock.is_someone_waiting():
                pipe.delete(key)
            else:
                pipe.set(key, lock.dumps())
            return result

        # redis-py runs `attempt` again when the key changed between WATCH and EXEC.
        return self.red.transaction(attempt, key, value_from_callable=True)

    def issue_ticket(self, conversation_id: Text, lock_lifetime: float = LOCK_LIFETIME) -> int:
        try:
            ticket = self._change(conversation_id, lambda lock: lock.issue_ticket(lock_lifetime), create=True)
            # With create=True there is always a lock to change, so a ticket.
            assert ticket is not None
            return ticket
        except Exception as error:
            raise LockError(f"Error while acquiring lock. Error:\n{error}") from error

    def update_lock(self, conversation_id: Text) -> None:
        self._change(conversation_id, TicketLock.remove_expired_tickets)

    def finish_serving(self, conversation_id: Text, ticket_number: int) -> None:
        self._change(conversation_id, lambda lock: lock.remove_ticket_for(ticket_number))

    def cleanup(self, conversation_id: Text, ticket_number: int) -> None:
        # One step: a ticket issued between "nobody waits" and the delete would be deleted with it.
        self._change(conversation_id, lambda lock: lock.remove_ticket_for(ticket_number), delete_when_idle=True)
