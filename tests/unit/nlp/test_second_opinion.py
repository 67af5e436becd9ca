"""The second reading that a guide answer must agree with before it goes out."""

import numpy as np
import pytest
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlp.rasa_components import SecondOpinionCheck
from bot.nlp.second_opinion import SecondOpinion, Verdict

# Three readings along three axes of a toy vector space: easy to tell which one a vector is.
LABELS = ["faq/renewal_how", "faq/renewal_slip_arrival", "out_of_scope"]


@pytest.fixture
def opinion():
    vectors = np.repeat(np.eye(3), 20, axis=0) + np.random.default_rng(1).normal(0, 0.05, (60, 3))
    return SecondOpinion.fit(vectors, [label for label in LABELS for _ in range(20)])


def test_an_answer_both_readings_name_goes_out_unchanged(opinion):
    assert opinion.check_guide_answer("faq/renewal_how", np.array([1.0, 0, 0])) is None


def test_an_answer_the_second_reading_doubts_gets_its_low_probability(opinion):
    verdict = opinion.check_guide_answer("faq/renewal_how", np.array([0, 1.0, 0]))
    assert verdict.intent == "faq" and verdict.confidence < 0.2
    assert verdict.answer_confidence == verdict.confidence


def test_an_answer_the_second_reading_puts_second_but_finds_likely_enough_goes_out(opinion):
    between = np.array([0.45, 0.55, 0])
    reading = opinion.read(between)
    assert reading.label == "faq/renewal_slip_arrival" and 0.2 <= reading.probabilities["faq/renewal_how"]
    assert opinion.check_guide_answer("faq/renewal_how", between) is None


def test_a_question_the_second_reading_finds_outside_the_guides_is_refused_as_such(opinion):
    verdict = opinion.check_guide_answer("faq/renewal_how", np.array([0, 0, 1.0]))
    assert verdict.intent == "out_of_scope" and verdict.confidence > 0.5 and verdict.answer_confidence < 0.2


def test_an_answer_the_second_reading_never_learnt_counts_as_unlikely(opinion):
    verdict = opinion.check_guide_answer("faq/portal_partner", np.array([1.0, 0, 0]))
    assert verdict == Verdict("faq", 0.0, 0.0)


def test_it_reads_the_same_after_saving_and_loading(opinion, tmp_path):
    opinion.save(tmp_path)
    loaded = SecondOpinion.load(tmp_path)
    vector = np.array([0.2, 0.7, 0.1])
    assert loaded.labels == LABELS
    assert loaded.read(vector) == opinion.read(vector)


class Doubting:
    """A second opinion that takes every message for one the guides do not answer."""

    def check_guide_answer(self, answer, vector):
        return Verdict("out_of_scope", 0.8, 0.05)


def parsed(intent, answer=None):
    message = Message(data={TEXT: "領収書はもらえますか"})
    message.set(INTENT, {"name": intent, "confidence": 0.99})
    message.set(INTENT_RANKING_KEY, [{"name": intent, "confidence": 0.99}, {"name": "greet", "confidence": 0.01}])
    if answer:
        message.set("response_selector", {"default": {"response": {"intent_response_key": answer}}})
    return message


def test_the_check_rewrites_a_doubted_guide_answer_and_its_ranking():
    message = parsed("faq", "faq/renewal_how")
    SecondOpinionCheck(None, None, Doubting()).process([message])
    assert message.get(INTENT) == {"name": "out_of_scope", "confidence": 0.8}
    # The fallback's ambiguity test compares the first two: the doubted answer must not stay on top.
    assert message.get(INTENT_RANKING_KEY) == [
        {"name": "out_of_scope", "confidence": 0.8},
        {"name": "faq", "confidence": 0.05},
        {"name": "greet", "confidence": 0.01},
    ]


@pytest.mark.parametrize("message", [parsed("check_renewal"), parsed("faq")])
def test_the_check_leaves_other_intents_and_answerless_messages_alone(message):
    before = dict(message.get(INTENT))
    SecondOpinionCheck(None, None, Doubting()).process([message])
    assert message.get(INTENT) == before
