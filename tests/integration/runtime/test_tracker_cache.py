"""The tracker cache (bot/runtime/tracker_cache.py) on SQLite and PostgreSQL: every read gives what
Rasa's own read of the database gives at that moment, whoever changed the conversation (another
server, the inbox through Rasa's API, `make purge`), and parses only rows it has not seen."""

from datetime import datetime, timedelta
from typing import Iterator, List

import pytest
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    ActiveLoop,
    BotUttered,
    ConversationPaused,
    DefinePrevUserUtteredFeaturization,
    EntitiesAdded,
    Event,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity

from bot.runtime import tracker_cache
from bot.store.purge import purge_conversations

DOMAIN = Domain.from_dict(
    {
        "intents": ["greet", "faq"],
        "slots": {
            "email": {"type": "text", "mappings": [{"type": "custom"}]},
            "task": {"type": "text", "mappings": [{"type": "custom"}]},
        },
        "forms": {"verify_form": {"required_slots": ["email"]}},
        "responses": {"utter_greet": [{"text": "こんにちは"}]},
    }
)
SENDER = "c-1"
# Rasa's read as shipped, captured before any test installs the cache.
RASA_RETRIEVE = SQLTrackerStore.retrieve


@pytest.fixture
def cached(monkeypatch):
    for name in ("retrieve", "save"):
        monkeypatch.setattr(SQLTrackerStore, name, getattr(SQLTrackerStore, name))
    tracker_cache.read_only_what_is_new()


@pytest.fixture
def stores(db_url, cached) -> Iterator[List[SQLTrackerStore]]:
    """Two Rasa servers on one tracker database, each with its own cache."""
    made = [SQLTrackerStore(DOMAIN, host=db_url), SQLTrackerStore(DOMAIN, host=db_url)]
    yield made
    for store in made:
        store.engine.dispose()


@pytest.fixture
def parsed(monkeypatch) -> List[dict]:
    """The events deserialised from stored rows."""
    seen: List[dict] = []
    from_parameters = Event.from_parameters
    monkeypatch.setattr(
        Event,
        "from_parameters",
        staticmethod(lambda parameters, default=None: seen.append(parameters) or from_parameters(parameters, default)),
    )
    return seen


def turn(number: int) -> List[Event]:
    return [
        UserUttered(f"質問 {number}", {"name": "faq", "confidence": 0.9}, [{"entity": "n", "value": number}]),
        DefinePrevUserUtteredFeaturization(False),
        ActionExecuted("utter_greet"),
        BotUttered(f"答え {number}"),
        SlotSet("task", f"t{number}"),
        ActionExecuted("action_listen"),
    ]


def session_start(carry: str = None) -> List[Event]:
    return [
        ActionExecuted("action_session_start"),
        SessionStarted(),
        *([SlotSet("email", carry)] if carry else []),
        ActionExecuted("action_listen"),
    ]


async def talk(store: SQLTrackerStore, events: List[Event]) -> DialogueStateTracker:
    """One turn as Rasa's processor takes it: read, add the events, save."""
    tracker = await store.retrieve(SENDER) or DialogueStateTracker(SENDER, DOMAIN.slots)
    for event in events:
        tracker.update(event)
    await store.save(tracker)
    return tracker


def state(tracker: DialogueStateTracker):
    return None if tracker is None else tracker.current_state(EventVerbosity.ALL)


async def assert_as_rasa_reads(store: SQLTrackerStore) -> DialogueStateTracker:
    tracker = await store.retrieve(SENDER)
    assert state(tracker) == state(await RASA_RETRIEVE(store, SENDER))
    return tracker


async def test_a_conversation_reads_as_rasa_reads_it_and_parses_only_what_is_new(stores, parsed):
    store, _ = stores
    await talk(store, session_start())
    await assert_as_rasa_reads(store)
    for number in range(5):
        await talk(store, turn(number))
        parsed.clear()
        tracker = await store.retrieve(SENDER)
        # What this server saved is applied unparsed; a second read of the turn parses nothing.
        assert parsed == [] and state(tracker) == state(await RASA_RETRIEVE(store, SENDER))
        parsed.clear()
        await store.retrieve(SENDER)
        assert parsed == []
    assert tracker.get_slot("task") == "t4" and len(tracker.events) == 2 + 5 * 6  # from session_started on


async def test_what_another_server_adds_is_read_and_only_that_is_parsed(stores, parsed):
    here, there = stores
    await talk(here, session_start())
    await talk(here, turn(0))
    await here.retrieve(SENDER)
    await talk(there, turn(1))
    await talk(there, [ActiveLoop("verify_form"), SlotSet("email", "a@example.jp")])
    parsed.clear()
    tracker = await assert_as_rasa_reads(here)
    # Eight rows written there, parsed here once; Rasa's reference read parsed them all again.
    assert tracker.get_slot("email") == "a@example.jp" and tracker.active_loop_name == "verify_form"
    assert len(parsed) == 8 + len(tracker.events)


async def test_a_session_started_elsewhere_is_the_one_read(stores):
    here, there = stores
    await talk(here, session_start())
    await talk(here, turn(0))
    await here.retrieve(SENDER)
    await talk(there, session_start(carry="a@example.jp"))
    tracker = await assert_as_rasa_reads(here)
    assert [e.type_name for e in tracker.events] == ["session_started", "slot", "action"]
    await talk(here, turn(1))
    await assert_as_rasa_reads(here)


async def test_a_session_started_here_is_the_one_read(stores):
    store, _ = stores
    await talk(store, session_start())
    await talk(store, turn(0))
    await talk(store, [*session_start(carry="a@example.jp"), *turn(1)])
    tracker = await assert_as_rasa_reads(store)
    assert tracker.events[0].type_name == "session_started" and tracker.get_slot("task") == "t1"


async def test_what_the_inbox_appends_through_rasas_api_is_read(stores):
    """Rasa's POST /conversations/<id>/tracker/events: the full tracker, the events, a save; on this
    server and on the other."""
    here, there = stores
    await talk(here, session_start())
    await talk(here, turn(0))
    await talk(here, session_start())
    for store in (here, there):
        await store.retrieve(SENDER)
    for store in (there, here):
        full = await store.retrieve_full_tracker(SENDER)
        for event in (ConversationPaused(), BotUttered("担当者です", metadata={"agent": "sato"})):
            full.update(event)
        await store.save(full)
        for reader in (here, there):
            tracker = await assert_as_rasa_reads(reader)
            assert tracker.is_paused()


async def test_a_purged_conversation_is_gone_and_a_new_one_under_its_id_is_read(stores, db_url):
    here, there = stores
    await talk(here, session_start())
    for number in range(3):
        await talk(here, turn(number))
    await here.retrieve(SENDER)
    assert purge_conversations(db_url, datetime.now() + timedelta(days=1)) == 1
    assert await here.retrieve(SENDER) is None
    # Written elsewhere before this server reads again: on SQLite the new rows take the old ids.
    await talk(here, turn(9))
    await here.retrieve(SENDER)
    purge_conversations(db_url, datetime.now() + timedelta(days=1))
    await talk(there, session_start())
    await talk(there, turn(10))
    tracker = await assert_as_rasa_reads(here)
    assert [e.text for e in tracker.events if isinstance(e, UserUttered)] == ["質問 10"]


async def test_changes_to_a_returned_tracker_stay_its_own(stores):
    store, _ = stores
    await talk(store, session_start())
    await talk(store, [*turn(0), ActiveLoop("verify_form")])
    before = state(await RASA_RETRIEVE(store, SENDER))
    tracker = await store.retrieve(SENDER)
    tracker.slots["email"].value = "changed@example.jp"
    tracker.interrupt_loop(True)
    tracker.latest_action["action_name"] = "changed"
    for event in (
        EntitiesAdded([{"entity": "x", "value": "y"}]),
        DefinePrevUserUtteredFeaturization(True),
        SlotSet("task", "changed"),
    ):
        tracker.update(event)
    again = await store.retrieve(SENDER)
    assert state(again) == before
    assert again.latest_message.entities == [{"entity": "n", "value": 0}]
    assert again.latest_message.use_text_for_featurization is False


async def test_a_new_domain_rebuilds_the_tracker(stores):
    store, _ = stores
    await talk(store, session_start())
    await store.retrieve(SENDER)
    store.domain = Domain.from_dict({"slots": {"plan": {"type": "text", "mappings": [{"type": "custom"}]}}})
    tracker = await assert_as_rasa_reads(store)
    assert "plan" in tracker.slots and "email" not in tracker.slots


async def test_a_failed_save_leaves_nothing_cached(stores, monkeypatch):
    store, _ = stores
    await talk(store, session_start())
    await store.retrieve(SENDER)
    cache = tracker_cache.cache_of(store)
    assert SENDER in cache._entries

    def broken_session_scope():
        raise OSError("database gone")

    monkeypatch.setattr(store, "session_scope", broken_session_scope)
    with pytest.raises(OSError):
        await talk(store, turn(0))
    assert SENDER not in cache._entries


async def test_the_least_recently_read_conversations_go_first(stores):
    store, _ = stores
    cache = tracker_cache.cache_of(store)
    cache.max_events = 3  # a conversation read here has two events: session_started, action_listen
    for sender in ("a", "b", "c"):
        await store.save(DialogueStateTracker.from_events(sender, session_start(), DOMAIN.slots))
        await store.retrieve(sender)
    assert list(cache._entries) == ["c"]
    assert state(await store.retrieve("a")) == state(await RASA_RETRIEVE(store, "a"))
