"""The satisfaction rating kept once per session of a conversation, on both databases; and with a
fake ratings service, what the actions hand it and make of its answers."""

from datetime import datetime

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.csat import ActionAskCsat, ActionRecordCsat, ActionRecordCsatComment
from bot.domain.clock import JST
from bot.store import repository
from bot.store.db import session_scope
from tracker_helpers import DOMAIN, SENDER, responses

SESSION = {"event": "session_started", "timestamp": 1_796_000_000.0}


def rating(score, events=(SESSION,), channel="line"):
    message = {
        "text": f'/rate_answer{{"csat_score": "{score}"}}',
        "intent": {"name": "rate_answer", "confidence": 1.0},
        "entities": [{"entity": "csat_score", "value": score}],
    }
    user = {"event": "user", "text": message["text"], "parse_data": message, "input_channel": channel}
    return Tracker(SENDER, {}, message, [*events, user], False, None, {}, "action_listen")


async def run(action, tracker):
    dispatcher = CollectingDispatcher()
    await action.run(dispatcher, tracker, DOMAIN)
    return responses(dispatcher)


async def test_a_rating_is_kept_once_a_session_and_a_second_one_is_thanked_but_not_kept(demo_db):
    assert await run(ActionRecordCsat(), rating("4")) == ["utter_csat_thanks"]
    assert await run(ActionRecordCsat(), rating("1")) == ["utter_csat_already"]
    # The next session of the same conversation may be rated again.
    later = {"event": "session_started", "timestamp": SESSION["timestamp"] + 86_400}
    assert await run(ActionRecordCsat(), rating("5", events=(SESSION, later))) == ["utter_csat_thanks"]
    with session_scope(demo_db) as session:
        assert repository.csat_scores(session, SENDER) == (4, 5)


async def test_a_score_outside_one_to_five_is_not_kept(demo_db):
    assert await run(ActionRecordCsat(), rating("9")) == ["utter_csat_invalid"]
    with session_scope(demo_db) as session:
        assert repository.csat_scores(session, SENDER) == ()


async def test_the_question_is_not_asked_twice_in_a_session_nor_during_a_form(demo_db):
    asked = {"event": "bot", "text": "…", "metadata": {"utter_action": "utter_ask_csat"}}
    fresh = Tracker(SENDER, {}, {}, [SESSION], False, None, {}, "utter_thank")
    again = Tracker(SENDER, {}, {}, [SESSION, asked], False, None, {}, "utter_thank")
    in_form = Tracker(SENDER, {}, {}, [SESSION], False, None, {"name": "verify_form"}, "utter_thank")
    assert await run(ActionAskCsat(), fresh) == ["utter_ask_csat"]
    assert await run(ActionAskCsat(), again) == []
    assert await run(ActionAskCsat(), in_form) == []


def after_rating(text, intent, events=(SESSION,), channel="line"):
    """The customer's message right after rating, as data/rules/basics.yml hands it to the action."""
    message = {"text": text, "intent": {"name": intent, "confidence": 0.9}, "entities": []}
    user = {"event": "user", "text": text, "parse_data": message, "input_channel": channel}
    return Tracker(SENDER, {}, message, [*events, user], False, None, {}, "action_listen")


async def run_events(action, tracker):
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, tracker, DOMAIN)
    return responses(dispatcher), events


async def test_words_after_a_rating_are_its_comment_kept_masked_and_only_once(demo_db):
    await run(ActionRecordCsat(), rating("2"))
    said, events = await run_events(
        ActionRecordCsatComment(), after_rating("振込用紙が遅い。連絡は taro@example.com まで", "inform")
    )
    assert said == ["utter_csat_comment_thanks"] and events == []
    assert (await run_events(ActionRecordCsatComment(), after_rating("それと画面も見にくい", "inform")))[0] == [
        "utter_what_for"
    ]
    with session_scope(demo_db) as session:
        assert repository.csat_comments(session, SENDER) == ("振込用紙が遅い。連絡は 〈メールアドレス〉 まで",)


async def test_a_question_after_a_rating_goes_on_as_usual_and_keeps_nothing(demo_db):
    await run(ActionRecordCsat(), rating("4"))
    said, events = await run_events(ActionRecordCsatComment(), after_rating("解約ってできますか？", "out_of_scope"))
    assert said == ["utter_out_of_scope"] and events == []
    with session_scope(demo_db) as session:
        assert repository.csat_comments(session, SENDER) == (None,)


async def test_without_a_rating_in_the_session_nothing_is_kept(demo_db):
    assert (await run_events(ActionRecordCsatComment(), after_rating("特になし", "inform")))[0] == ["utter_what_for"]
    with session_scope(demo_db) as session:
        assert repository.csat_comments(session, SENDER) == ()


class FakeRatings:
    """The ratings service as the actions see it: it keeps the calls and answers what a test sets."""

    def __init__(self, kept=True):
        self.kept, self.calls = kept, []

    async def record_rating(self, sender_id, channel, score, session_started_at):
        self.calls.append((sender_id, channel, score, session_started_at))
        return self.kept

    async def record_comment(self, sender_id, session_started_at, comment):
        self.calls.append((sender_id, session_started_at, comment))
        return self.kept


STARTED = datetime.fromtimestamp(SESSION["timestamp"], JST)


@pytest.mark.parametrize("kept, said", [(True, "utter_csat_thanks"), (False, "utter_csat_already")])
async def test_the_rating_of_the_session_goes_to_the_service_and_its_answer_is_said(fake_service, kept, said):
    ratings = fake_service("ratings", FakeRatings(kept))
    assert await run(ActionRecordCsat(), rating("4", channel="socketio")) == [said]
    assert ratings.calls == [(SENDER, "socketio", 4, STARTED)]


async def test_a_rating_without_a_session_start_reaches_no_service(fake_service):
    ratings = fake_service("ratings", FakeRatings())
    assert await run(ActionRecordCsat(), rating("4", events=())) == ["utter_csat_invalid"]
    assert ratings.calls == []


async def test_the_comment_goes_to_the_service_as_written_and_a_refused_one_is_not_thanked(fake_service):
    ratings = fake_service("ratings", FakeRatings(kept=False))
    said, _ = await run_events(ActionRecordCsatComment(), after_rating("振込用紙が遅い", "inform"))
    assert ratings.calls == [(SENDER, STARTED, "振込用紙が遅い")]
    assert said == ["utter_what_for"]
