"""Words that name what the guides never speak of, to check a guide answer against.

A question about the supported OS, a receipt or cancelling got a guide answer about something
else, with DIET's confidence near 1.00 and the sentence encoder agreeing: both read "a renewal
question" and neither notices the one word that decides it. That word is in no guide, no answer
and no example of what the bot does, while the questions outside the guides (out_of_scope in
data/nlu) are full of such words. Those words, learnt at training, make a guide answer give way
to the honest "the guides do not say".

A word must come back in several of those questions: one seen once is as often a word anybody
might use ("先日", "心配"). And only the sentences that ask are read: the context before a
question ("急ぎの障害対応で…。…必要ですか?") names things the question is not about. Measured by
5-fold cross-validation on data/nlu, the words of the other folds named, of the held-out fold,
this share of questions outside the guides / of guide questions (which would lose their answer):
  seen in 1 question: 0.54 / 0.032;  in 2: 0.36 / 0.012;  in 3: 0.24 / 0.006;
  in 2, the asking sentences only: 0.34 / 0.007 (chosen).
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import FrozenSet, Iterable, List

from bot.nlp.pipeline import analyse
from bot.nlp.questions import asking_part
from bot.nlp.tokenizer import PROPER_NOUN_TAG

_NUMBER = "名詞-数詞"
LEAST_QUESTIONS = 2
_FILE = "not_in_guides_words.json"


def nouns(text: str) -> FrozenSet[str]:
    """Lemmas of the nouns of a text. A number or a lone Latin letter names no topic, nor do the
    pieces the tokenizer keeps whole: identifiers, products and payment channels."""
    return frozenset(
        token.lemma
        for token in analyse(text).tokens
        if token.tag.startswith("名詞")
        and token.tag != PROPER_NOUN_TAG
        and not token.tag.startswith(_NUMBER)
        and not (len(token.lemma) == 1 and token.lemma.isascii())
    )


def _lemmas(texts: Iterable[str]) -> FrozenSet[str]:
    return frozenset(token.lemma for text in texts for token in analyse(text).tokens)


class GuideCoverage:
    def __init__(self, words: Iterable[str]) -> None:
        self.words = frozenset(words)

    @classmethod
    def learn(
        cls, guide_texts: Iterable[str], answered: Iterable[str], not_in_guides: Iterable[str]
    ) -> "GuideCoverage":
        """The nouns of at least LEAST_QUESTIONS questions outside the guides that neither the
        guides nor the bot's answers and the examples of what it does (`answered`) ever use."""
        covered = _lemmas(guide_texts) | _lemmas(answered)
        seen = Counter(word for text in not_in_guides for word in nouns(text) if word not in covered)
        return cls(word for word, questions in seen.items() if questions >= LEAST_QUESTIONS)

    def uncovered(self, text: str) -> List[str]:
        """The words the sentences of `text` that ask name and the guides never speak of, sorted;
        [] when there are none."""
        return sorted(nouns(asking_part(text)) & self.words)

    def save(self, folder: Path) -> None:
        (folder / _FILE).write_text(json.dumps(sorted(self.words), ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, folder: Path) -> "GuideCoverage":
        return cls(json.loads((folder / _FILE).read_text(encoding="utf-8")))
