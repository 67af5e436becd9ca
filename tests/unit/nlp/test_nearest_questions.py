"""The doubts about a guide answer that come from the questions it was learnt from."""

import numpy as np
import pytest
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlp import rasa_components
from bot.nlp.nearest_questions import MARGIN, Doubt, NearestQuestions
from bot.nlp.rasa_components import NearestQuestionCheck


def unit(*values):
    vector = np.array(values, dtype=np.float32)
    return vector / np.linalg.norm(vector)


# The slip's arrival, a near miss beside it (when the slip must be paid), and a reminder example
# that is no question of the guides and must not count either way.
QUESTIONS = NearestQuestions.keep(
    np.stack([unit(1, 0, 0), unit(1, 0.3, 0), unit(0.8, 0.6, 0), unit(0, 0, 1)]),
    ["faq/renewal_slip_arrival", "faq/renewal_slip_arrival", "out_of_scope", "subscribe_reminders"],
)


def test_only_guide_questions_and_questions_outside_the_guides_are_kept():
    assert sorted(QUESTIONS.labels.tolist()) == ["faq/renewal_slip_arrival"] * 2 + ["out_of_scope"]


def test_a_message_nearest_the_answers_own_questions_gets_the_answer():
    assert QUESTIONS.doubt("faq/renewal_slip_arrival", 0.9, 0.99, unit(1, 0.1, 0)) is None


def test_a_message_nearer_a_question_outside_the_guides_is_refused_as_such():
    doubt = QUESTIONS.doubt("faq/renewal_slip_arrival", 0.9, 0.99, unit(0.8, 0.62, 0))
    assert doubt == Doubt("out_of_scope", 0.99, 0.0)


def test_a_near_tie_within_the_margin_still_gets_the_answer():
    # Equally near both: the answer's question 0.005 nearer or farther is no reason to refuse.
    vector = unit(0.9, 0.45, 0)
    gap = QUESTIONS.nearest("out_of_scope", vector) - QUESTIONS.nearest("faq/renewal_slip_arrival", vector)
    assert abs(gap) < MARGIN
    assert QUESTIONS.doubt("faq/renewal_slip_arrival", 0.9, 0.99, vector) is None


def test_an_answer_the_selector_only_guessed_is_offered_at_its_low_confidence():
    doubt = QUESTIONS.doubt("faq/renewal_slip_arrival", 0.31, 0.99, unit(1, 0.1, 0))
    assert doubt == Doubt("faq", 0.31, 0.31)


def test_an_answer_with_no_questions_of_its_own_is_refused():
    assert QUESTIONS.doubt("faq/portal_partner", 0.9, 0.99, unit(1, 0, 0)).intent == "out_of_scope"


def test_it_reads_the_same_after_saving_and_loading(tmp_path):
    QUESTIONS.save(tmp_path)
    loaded = NearestQuestions.load(tmp_path)
    vector = unit(0.8, 0.62, 0)
    assert loaded.doubt("faq/renewal_slip_arrival", 0.9, 0.99, vector) == QUESTIONS.doubt(
        "faq/renewal_slip_arrival", 0.9, 0.99, vector
    )


def parsed(intent, answer=None, answer_confidence=0.9):
    message = Message(data={TEXT: "振込用紙の支払期限は届いてから何日ですか"})
    message.set(INTENT, {"name": intent, "confidence": 0.99})
    message.set(INTENT_RANKING_KEY, [{"name": intent, "confidence": 0.99}, {"name": "greet", "confidence": 0.01}])
    if answer:
        message.set(
            "response_selector",
            {"default": {"response": {"intent_response_key": answer, "confidence": answer_confidence}}},
        )
    return message


@pytest.fixture
def encoded(monkeypatch):
    """The message's vector, without the encoder: near the near miss."""
    monkeypatch.setattr(rasa_components.encoder, "encode", lambda texts: np.stack([unit(0.8, 0.62, 0)] * len(texts)))


def test_the_check_turns_a_confident_answer_to_a_near_miss_into_the_refusal(encoded):
    message = parsed("faq", "faq/renewal_slip_arrival")
    NearestQuestionCheck(None, None, QUESTIONS).process([message])
    assert message.get(INTENT) == {"name": "out_of_scope", "confidence": 0.99}
    assert message.get(INTENT_RANKING_KEY)[:2] == [
        {"name": "out_of_scope", "confidence": 0.99},
        {"name": "greet", "confidence": 0.01},
    ]


def test_the_check_leaves_other_intents_alone(encoded):
    message = parsed("check_renewal", "faq/renewal_slip_arrival")
    NearestQuestionCheck(None, None, QUESTIONS).process([message])
    assert message.get(INTENT) == {"name": "check_renewal", "confidence": 0.99}
