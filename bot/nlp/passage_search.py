"""The guide passage that answers a question no guide answer of the bot covers, if one does.

BM25 (bm25s) over the lemmas of the content words (nouns, verbs, adjectives) of each passage of
the two guides. A passage is given only when the question's content words are nearly all in
the guides and the best passage scores high: on the training data (data/nlu, which the index
never sees), at least 85 % of the words in the guides and a score of 3 or more found a passage
for 10 % of the guide questions, 1.8 % of the other requests and none of the 666 questions the
guides do not answer; 75 % and 2 found one for 3 % of those.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import List, Optional, Sequence

import bm25s

from bot.nlp.pipeline import analyse
from bot.support.guide_passages import Passage

_CONTENT = ("名詞", "動詞", "形容詞")
_NOT_CONTENT = ("名詞-数詞", "動詞-非自立")
LEAST_WORDS_IN_GUIDES = 0.85
LEAST_SCORE = 3.0
# A passage is quoted up to here, cut at a line: the customer reads a chat bubble, not a page.
LONGEST_QUOTE = 300


def content_words(text: str) -> List[str]:
    return [
        token.lemma
        for token in analyse(text).tokens
        if token.tag.startswith(_CONTENT) and not token.tag.startswith(_NOT_CONTENT)
    ]


@dataclass(frozen=True)
class Found:
    passage: Passage
    quote: str  # the passage's lines that hold the question's words, at most LONGEST_QUOTE
    score: float


class PassageSearch:
    def __init__(self, passages: Sequence[Passage]) -> None:
        self.passages = list(passages)
        words = [content_words(p.text) for p in self.passages]
        self._vocabulary = {word for passage in words for word in passage}
        self._index = bm25s.BM25()
        self._index.index(words, show_progress=False)

    def best(self, question: str) -> Optional[Found]:
        words = content_words(question)
        known = [word for word in words if word in self._vocabulary]
        if not words or len(set(known)) < LEAST_WORDS_IN_GUIDES * len(set(words)):
            return None
        scores = self._index.get_scores(known)
        best = int(scores.argmax())
        if scores[best] < LEAST_SCORE:
            return None
        passage = self.passages[best]
        return Found(passage, _quote(passage.text, set(known)), float(scores[best]))


def _quote(text: str, words: set) -> str:
    lines = list(dict.fromkeys(text.split("\n")))
    holding = [line for line in lines if words & set(content_words(line))] or lines
    quote = ""
    for line in holding:
        if quote and len(quote) + 1 + len(line) > LONGEST_QUOTE:
            break
        quote = f"{quote}\n{line}" if quote else line
    return quote[:LONGEST_QUOTE]
