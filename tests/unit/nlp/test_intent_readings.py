"""Readings of several trainings averaged (bot/nlp/intent_readings.py)."""

import pytest
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlp.intent_readings import average_rankings
from bot.nlp.rasa_components import AverageIntentReadings, KeepIntentReading


def reading(**confidences):
    return [{"name": name, "confidence": value} for name, value in confidences.items()]


def test_trainings_that_agree_keep_their_intent_and_confidence():
    ranking = average_rankings([reading(faq=0.9, out_of_scope=0.1), reading(faq=0.9, out_of_scope=0.1)], 10)
    assert ranking[0] == {"name": "faq", "confidence": pytest.approx(0.9)}


def test_one_sure_training_against_two_others_is_outvoted_and_the_doubt_shows():
    ranking = average_rankings(
        [reading(faq=1.0, out_of_scope=0.0), reading(faq=0.2, out_of_scope=0.8), reading(faq=0.1, out_of_scope=0.9)],
        10,
    )
    assert [entry["name"] for entry in ranking] == ["out_of_scope", "faq"]
    assert ranking[0]["confidence"] == pytest.approx(1.7 / 3) and ranking[1]["confidence"] == pytest.approx(1.3 / 3)


def test_an_intent_a_reading_leaves_out_counts_nothing_there():
    ranking = average_rankings([reading(greet=0.6, goodbye=0.4), reading(greet=0.7, deny=0.3)], 10)
    assert {entry["name"]: entry["confidence"] for entry in ranking} == pytest.approx(
        {"greet": 0.65, "goodbye": 0.2, "deny": 0.15}
    )


def test_no_reading_gives_no_ranking():
    assert average_rankings([], 10) == [] and average_rankings([[], []], 10) == []


def test_the_ranking_passed_on_is_as_long_as_asked():
    many = {f"intent_{n}": (20 - n) / 210 for n in range(20)}
    ranking = average_rankings([reading(**many), reading(**many)], 10)
    assert [entry["name"] for entry in ranking] == [f"intent_{n}" for n in range(10)]


def classified(message, **confidences):
    """What a DIET training sets on the message."""
    ranking = sorted(reading(**confidences), key=lambda entry: -entry["confidence"])
    message.set(INTENT, dict(ranking[0]), add_to_output=True)
    message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)


def test_the_pipelines_trainings_are_read_together_and_the_fallback_sees_the_doubt():
    message = Message(data={TEXT: "学校の契約が切れた後も、ポータルのアカウントは使えますか"})
    classified(message, faq=0.97, out_of_scope=0.03)
    KeepIntentReading().process([message])
    classified(message, faq=0.30, out_of_scope=0.70)
    KeepIntentReading().process([message])
    classified(message, faq=0.20, out_of_scope=0.80)
    AverageIntentReadings().process([message])
    assert message.get(INTENT) == {"name": "out_of_scope", "confidence": pytest.approx(1.53 / 3)}
    first, second = message.get(INTENT_RANKING_KEY)
    # Within the fallback's ambiguity threshold (0.1): the bot says it cannot tell, where the
    # first training alone would have answered at 0.97.
    assert second["name"] == "faq" and first["confidence"] - second["confidence"] < 0.1
    assert "intent_readings" not in message.as_dict(only_output_properties=True)
