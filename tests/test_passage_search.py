"""The guide passage found for a question no guide answer of the bot covers."""

import pytest
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlp.passage_search import LONGEST_QUOTE, PassageSearch
from bot.nlp.rasa_components import GuidePassageFinder
from bot.support.guide_passages import guide_passages


@pytest.fixture(scope="module")
def search():
    return PassageSearch(guide_passages())


def test_a_question_in_the_guides_words_finds_its_passage_and_the_lines_that_answer(search):
    found = search.best("複数のライセンスがあってポップアップが表示されたときはどうする")
    assert found.passage.guide == "renewal"
    assert found.quote == "更新できるライセンスが複数存在する場合、以下のポップアップが表示されるため、いずれかを選択し、ステップ 2 に進んでください。"


def test_a_quote_is_short_and_says_each_line_once(search):
    found = search.best("入金が確認できたら有効期限は自動で延長されますか")
    lines = found.quote.split("\n")
    assert len(found.quote) <= LONGEST_QUOTE and len(lines) == len(set(lines))
    assert lines[0] == "ご入金が確認でき次第、ご利用端末の有効期限は自動で延長されます。"


@pytest.mark.parametrize("question", ["領収書はもらえますか", "振込用紙の支払いに手数料はかかりますか", "こんにちは", ""])
def test_a_question_whose_words_the_guides_lack_finds_nothing(search, question):
    assert search.best(question) is None


def parsed(text, intent):
    message = Message(data={TEXT: text})
    message.set(INTENT, {"name": intent, "confidence": 0.4})
    return message


def test_the_finder_gives_a_passage_to_a_message_not_understood_only(search):
    not_understood = parsed("入金が確認できたら有効期限は自動で延長されますか", "nlu_fallback")
    answered = parsed("入金が確認できたら有効期限は自動で延長されますか", "faq")
    GuidePassageFinder(search).process([not_understood, answered])
    assert not_understood.get("guide_passage")["guide"] == "renewal"
    assert not_understood.get("guide_passage")["quote"].startswith("ご入金が確認でき次第")
    assert answered.get("guide_passage") is None
