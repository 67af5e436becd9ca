"""Rasa's SQL tracker store reading only what is new: a per-process cache of each conversation's
tracker, checked against the stored rows on every read (bot/runtime/patches.py installs it).

As shipped, `SQLTrackerStore.retrieve` reads every event of the conversation's latest session,
parses its JSON and replays it into a new tracker on every call, two or three calls a turn: a
turn at the 50th message of a conversation spent 17.2 ms in the store against 8.2 ms at the 5th.

Here each store keeps, per conversation, the tracker Rasa's own read would build (the latest
session's events replayed with the store's domain), the rows it was built from (how many, the id
and timestamp of the last) and the events of the last save. A read is one statement, which sees
one snapshot on SQLite and PostgreSQL alike: how many rows up to the last id the cache knows are
still stored, the timestamp of that row, and the rows after it.

- Rows only ever come after the last one: Rasa appends, whichever server or process writes (the
  agent inbox writes through Rasa's HTTP API). The rows after the last known id are parsed and
  applied to the cached tracker as Rasa's replay applies them, the session rule included (the
  events from the latest `session_started` on, by timestamp); when they are exactly the events
  this process saved (same types and timestamps, in order), those events are applied unparsed.
- Anything else rows can do is a change in the known part: `make purge` deleting a conversation
  (the count falls), a late commit of an earlier id on PostgreSQL (the count rises), SQLite
  giving a deleted conversation's ids to new rows (the last row's timestamp differs). Then the
  cache forgets the conversation and reads it whole, as Rasa would.
- A tracker built with another domain (a new model loaded) is not used.
- A returned tracker is the caller's: its own list of events, slots, active loop, latest action
  and user messages. The other events are shared: Rasa does not change an event once it is in a
  tracker, except a user message, through `latest_message` (EntitiesAdded, the featurization
  flag), and user messages are copied.

The database calls are blocking, as Rasa's own are, and nothing here awaits between reading the
rows and updating the cache, so two coroutines of one process cannot interleave in it; one
conversation's turns across servers are serialized by the Redis lock store, and whatever a
writer does, the next read checks it. `retrieve_full_tracker` (all sessions: the HTTP API, the
inbox) is Rasa's own read. At most MAX_EVENTS events are kept per store, least recently used
conversations forgotten first.
"""

from __future__ import annotations

import copy
import functools
import json
import weakref
from collections import OrderedDict, deque
from dataclasses import dataclass, field, replace
from typing import Any, Deque, List, Optional, Sequence

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import Event, SessionStarted, UserUttered, deserialise_events
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import and_, func, literal, select

# A cached event took 3.5 KB on average (tracemalloc, a 200-turn FAQ session of 802 events whose
# user messages carry an NLU reading shaped like the bot's): about 35 MB, which holds 32
# conversations at once at 50 turns (some 200 events each) with room to spare.
MAX_EVENTS = 10_000
_EVENTS = SQLTrackerStore.SQLEvent.__table__


@dataclass
class _Entry:
    domain: Domain
    tracker: DialogueStateTracker  # never handed out
    stamps: List[Optional[float]]  # the stored timestamp of each of the tracker's events
    session_start: Optional[float]
    rows: int  # rows of the conversation up to last_id, the latest session's and the earlier ones
    last_id: int
    last_stamp: Optional[float]
    saved: Optional[List[Event]] = field(default=None)  # the last save's events beyond the tracker's
    counted: int = 0  # its events in TrackerCache's total


class TrackerCache:
    def __init__(self, max_events: int = MAX_EVENTS) -> None:
        self.max_events = max_events
        self._entries: "OrderedDict[str, _Entry]" = OrderedDict()
        self._events = 0

    def retrieve(self, store: SQLTrackerStore, sender_id: str) -> Optional[DialogueStateTracker]:
        try:
            entry = self._read(store, sender_id)
        except BaseException:
            self._forget(sender_id)
            raise
        return _detached(entry.tracker) if entry is not None else None

    def saved(self, tracker: DialogueStateTracker) -> None:
        """What the store just wrote for this tracker: the events after those the cache holds."""
        entry = self._entries.get(tracker.sender_id)
        if entry is not None:
            entry.saved = [_own(event) for event in list(tracker.events)[len(entry.tracker.events) :]]

    def forget(self, sender_id: str) -> None:
        self._forget(sender_id)

    def _read(self, store: SQLTrackerStore, sender_id: str) -> Optional[_Entry]:
        entry = self._entries.get(sender_id)
        if entry is not None and entry.domain is not store.domain:
            self._forget(sender_id)
            entry = None
        rows = _rows_after(store, sender_id, entry.last_id if entry else 0)
        if entry is not None and (rows[0].kept, rows[0].last_stamp) != (entry.rows, entry.last_stamp):
            self._forget(sender_id)
            entry = None
            rows = _rows_after(store, sender_id, 0)
        new = [row for row in rows if row.id is not None]
        if entry is None:
            if not new:
                return None
            entry = _built(store, sender_id, new)
        elif new:
            _advance(entry, new)
        self._keep(sender_id, entry)
        return entry

    def _keep(self, sender_id: str, entry: _Entry) -> None:
        self._entries[sender_id] = entry
        self._entries.move_to_end(sender_id)
        self._events += len(entry.tracker.events) - entry.counted
        entry.counted = len(entry.tracker.events)
        while self._events > self.max_events and len(self._entries) > 1:
            _, oldest = self._entries.popitem(last=False)
            self._events -= oldest.counted

    def _forget(self, sender_id: str) -> None:
        entry = self._entries.pop(sender_id, None)
        if entry is not None:
            self._events -= entry.counted


def _rows_after(store: SQLTrackerStore, sender_id: str, last_id: int) -> List[Any]:
    """In one statement: the count of rows up to last_id, the timestamp of that row, the rows after it
    (at least one row comes back; id is None on it when there are none after)."""
    mine = _EVENTS.c.sender_id == sender_id
    kept = select(func.count()).where(mine, _EVENTS.c.id <= last_id).scalar_subquery()
    last_stamp = select(_EVENTS.c.timestamp).where(mine, _EVENTS.c.id == last_id).scalar_subquery()
    one = select(literal(1).label("one")).subquery()
    query = (
        select(
            kept.label("kept"),
            last_stamp.label("last_stamp"),
            _EVENTS.c.id,
            _EVENTS.c.type_name,
            _EVENTS.c.timestamp,
            _EVENTS.c.data,
        )
        .select_from(one.outerjoin(_EVENTS, and_(mine, _EVENTS.c.id > last_id)))
        .order_by(_EVENTS.c.id)
    )
    with store.session_scope() as session:
        return session.execute(query).all()


def _latest_session_start(start: Optional[float], rows: Sequence[Any]) -> Optional[float]:
    """Rasa's rule: the session starts at the greatest timestamp of a `session_started` row."""
    stamps = [row.timestamp for row in rows if row.type_name == SessionStarted.type_name and row.timestamp is not None]
    return max([start, *stamps] if start is not None else stamps, default=None)


def _in_session(stamp: Optional[float], start: Optional[float]) -> bool:
    # SQL's `timestamp >= start`, where a NULL timestamp compares false.
    return start is None or (stamp is not None and stamp >= start)


def _parsed(rows: Sequence[Any]) -> List[tuple]:
    """(timestamp, event) of the rows Rasa's deserialisation keeps, in order."""
    found = []
    for row in rows:
        for event in deserialise_events([json.loads(row.data)]):
            found.append((row.timestamp, event))
    return found


def _built(store: SQLTrackerStore, sender_id: str, rows: Sequence[Any]) -> _Entry:
    start = _latest_session_start(None, rows)
    stamped = _parsed([row for row in rows if _in_session(row.timestamp, start)])
    return _Entry(
        domain=store.domain,
        tracker=DialogueStateTracker.from_events(sender_id, [event for _, event in stamped], store.domain.slots),
        stamps=[stamp for stamp, _ in stamped],
        session_start=start,
        rows=len(rows),
        last_id=rows[-1].id,
        last_stamp=rows[-1].timestamp,
    )


def _advance(entry: _Entry, rows: Sequence[Any]) -> None:
    """Apply the rows after the known ones to the cached tracker, as Rasa's replay would."""
    saved, entry.saved = entry.saved, None
    start = _latest_session_start(entry.session_start, rows)
    if saved is not None and [(row.type_name, row.timestamp) for row in rows] == [
        (event.type_name, event.timestamp) for event in saved
    ]:
        stamped = [(row.timestamp, event) for row, event in zip(rows, saved) if _in_session(row.timestamp, start)]
    else:
        stamped = _parsed([row for row in rows if _in_session(row.timestamp, start)])
    if start != entry.session_start:
        # A new session: its events are those of the cached session and the new rows from its start on.
        kept = [(stamp, event) for stamp, event in zip(entry.stamps, entry.tracker.events) if _in_session(stamp, start)]
        stamped = kept + stamped
        entry.tracker = DialogueStateTracker.from_events(
            entry.tracker.sender_id, [event for _, event in stamped], entry.domain.slots
        )
        entry.stamps = [stamp for stamp, _ in stamped]
        entry.session_start = start
    else:
        for stamp, event in stamped:
            entry.tracker.update(event)
            entry.stamps.append(stamp)
    entry.rows += len(rows)
    entry.last_id, entry.last_stamp = rows[-1].id, rows[-1].timestamp


def _own(event: Event) -> Event:
    """A user message that can change without changing the one it was copied from."""
    if not isinstance(event, UserUttered):
        return event
    mine = copy.copy(event)
    mine.entities = list(event.entities)
    return mine


def _detached(tracker: DialogueStateTracker) -> DialogueStateTracker:
    """A tracker equal to `tracker` whose changes stay its own."""
    mine = copy.copy(tracker)
    owned = {}
    events: Deque[Event] = deque(maxlen=tracker.events.maxlen)
    for event in tracker.events:
        if isinstance(event, UserUttered):
            owned[id(event)] = event = _own(event)
        events.append(event)
    mine.events = events
    mine.slots = type(tracker.slots)({name: copy.copy(slot) for name, slot in tracker.slots.items()})
    mine.active_loop = replace(tracker.active_loop) if tracker.active_loop is not None else None
    mine.latest_action = dict(tracker.latest_action) if tracker.latest_action is not None else None
    if tracker.latest_message is not None:
        mine.latest_message = owned.get(id(tracker.latest_message)) or _own(tracker.latest_message)
    return mine


_CACHES: "weakref.WeakKeyDictionary[SQLTrackerStore, TrackerCache]" = weakref.WeakKeyDictionary()


def cache_of(store: SQLTrackerStore) -> TrackerCache:
    if store not in _CACHES:
        _CACHES[store] = TrackerCache()
    return _CACHES[store]


def read_only_what_is_new() -> None:
    retrieve, save = SQLTrackerStore.retrieve, SQLTrackerStore.save

    @functools.wraps(retrieve)
    async def cached_retrieve(self: SQLTrackerStore, sender_id: str) -> Optional[DialogueStateTracker]:
        return cache_of(self).retrieve(self, sender_id)

    @functools.wraps(save)
    async def save_through(self: SQLTrackerStore, tracker: DialogueStateTracker) -> None:
        cache = cache_of(self)
        try:
            await save(self, tracker)
        except BaseException:
            # What reached the database is unknown: the next read starts afresh.
            cache.forget(tracker.sender_id)
            raise
        cache.saved(tracker)

    SQLTrackerStore.retrieve = cached_retrieve
    SQLTrackerStore.save = save_through
