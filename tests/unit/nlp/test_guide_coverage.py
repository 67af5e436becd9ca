"""The words the guides never speak of, and the check that refuses a guide answer to them."""

import pytest
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlp.guide_coverage import GuideCoverage, nouns
from bot.nlp.rasa_components import GuideCoverageCheck

GUIDE = ["振込用紙で契約を更新できます。振込用紙は 1 ~ 2 週間ほどで届きます。"]
ANSWERED = ["振込用紙はいつ届きますか", "パスワードを忘れました", "どの製品に対応していますか"]
NOT_IN_GUIDES = [
    "対応OSを教えてください",
    "OSは何に対応していますか",
    "領収書はもらえますか",
    "振込用紙の領収書がほしい",
    "猫を飼っています",
]


@pytest.fixture(scope="module")
def coverage():
    return GuideCoverage.learn(GUIDE, ANSWERED, NOT_IN_GUIDES)


def test_words_of_several_questions_outside_the_guides_are_learnt(coverage):
    assert coverage.words == {"OS", "領収"}


def test_a_word_of_one_question_only_or_in_the_guides_is_not(coverage):
    assert "猫" not in coverage.words
    assert "振込" not in coverage.words and "用紙" not in coverage.words


def test_a_question_naming_such_a_word_is_uncovered(coverage):
    assert coverage.uncovered("更新したら領収書は出ますか") == ["領収"]
    assert coverage.uncovered("振込用紙はいつ届く?") == []


def test_identifiers_and_numbers_name_no_topic():
    found = nouns("シリアル番号 ABCD-1234-EFGH-5678 の 3 年分を taro@example.com 宛てに")
    assert "serial_number" not in found and "email" not in found and "3" not in found
    assert "年" in found


def test_it_reads_the_same_after_saving_and_loading(coverage, tmp_path):
    coverage.save(tmp_path)
    assert GuideCoverage.load(tmp_path).words == coverage.words


def parsed(text, intent):
    message = Message(data={TEXT: text})
    message.set(INTENT, {"name": intent, "confidence": 0.97})
    message.set(INTENT_RANKING_KEY, [{"name": intent, "confidence": 0.97}, {"name": "greet", "confidence": 0.02}])
    return message


def test_the_check_turns_a_guide_answer_to_an_uncovered_question_into_the_honest_refusal(coverage):
    message = parsed("領収書はもらえますか", "faq")
    GuideCoverageCheck(None, None, coverage).process([message])
    assert message.get(INTENT) == {"name": "out_of_scope", "confidence": 0.97}
    # No guide answer stays in the ranking to be offered as a button.
    assert message.get(INTENT_RANKING_KEY) == [
        {"name": "out_of_scope", "confidence": 0.97},
        {"name": "greet", "confidence": 0.02},
        {"name": "faq", "confidence": 0.0},
    ]


@pytest.mark.parametrize(
    "message", [parsed("振込用紙はいつ届きますか", "faq"), parsed("領収書の宛名を変えたい", "request_human")]
)
def test_the_check_leaves_covered_questions_and_other_intents_alone(coverage, message):
    before = dict(message.get(INTENT))
    GuideCoverageCheck(None, None, coverage).process([message])
    assert message.get(INTENT) == before


def test_only_the_sentences_that_ask_are_read(coverage):
    assert coverage.uncovered("OSを入れ直したばかりです。振込用紙はいつ届きますか?") == []
    assert coverage.uncovered("先月更新しました。OSは何に対応していますか?") == ["OS"]
