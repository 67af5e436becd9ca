"""fugashi + unidic-lite as a spaCy tokenizer for Japanese, without SudachiPy.

The tokenizer normalizes the text first (bot.domain.normalize), keeps domain words,
serial numbers, activation codes and e-mail addresses whole, and cuts the rest with
fugashi. The Doc's text is the normalized text; `doc.user_data["source_spans"]`
holds, per token, its span in the text as the customer typed it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterator, List, Optional, Tuple

import fugashi
import spacy
from spacy.tokens import Doc
from spacy.vocab import Vocab

from bot.domain.identifiers import ACTIVATION_CODE_RE, EMAIL_RE, SERIAL_RE
from bot.domain.normalize import normalize
from bot.nlp import lexicon

TOKENIZER_NAME = "bot.fugashi_ja.v1"

# Tag of whole-kept pieces; the lexical featurizer sees them as proper nouns.
PROPER_NOUN_TAG = "名詞-固有名詞"


@dataclass(frozen=True)
class Piece:
    """A span of normalized text that the tokenizer keeps as one token."""

    start: int
    end: int
    lemma: str
    label: Optional[str]


def _spelling_pattern(spelling: str) -> str:
    return " ?".join(re.escape(part) for part in spelling.split(" "))


@lru_cache(maxsize=1)
def _lexicon_regex() -> Tuple[re.Pattern, Tuple[Tuple[str, Optional[str]], ...]]:
    spellings = []
    for canonical, (label, variants) in lexicon.entries().items():
        for spelling in {canonical, *variants}:
            spellings.append((spelling, canonical, label))
    # Longest first: Python's alternation takes the first that matches.
    spellings.sort(key=lambda s: len(s[0]), reverse=True)
    groups = "|".join(f"({_spelling_pattern(s)})" for s, _, _ in spellings)
    return re.compile(groups, re.IGNORECASE), tuple((c, label) for _, c, label in spellings)


_IDENTIFIERS = (("serial_number", SERIAL_RE), ("activation_code", ACTIVATION_CODE_RE), ("email", EMAIL_RE))


def whole_pieces(text: str) -> List[Piece]:
    """Identifiers and domain words in normalized text, leftmost and non-overlapping."""
    found: List[Piece] = []
    for kind, regex in _IDENTIFIERS:
        # The lemma is the kind, not the value: one serial number is as good as another.
        found.extend(Piece(m.start(), m.end(), kind, kind) for m in regex.finditer(text))
    regex, meanings = _lexicon_regex()
    for m in regex.finditer(text):
        # Every spelling is a group of its own, so a match has a last group.
        assert m.lastindex is not None
        canonical, label = meanings[m.lastindex - 1]
        found.append(Piece(m.start(), m.end(), canonical, label))
    found.sort(key=lambda p: (p.start, -(p.end - p.start)))
    kept: List[Piece] = []
    for piece in found:
        if not kept or piece.start >= kept[-1].end:
            kept.append(piece)
    return kept


def _lemma(word) -> str:
    lemma = word.feature.lemma
    if not lemma:
        return word.surface
    # unidic-lite appends an English gloss to loanwords: ビジネス-business.
    return lemma.split("-", 1)[0] if "-" in lemma[1:] else lemma


def _tag(word) -> str:
    pos1, pos2 = word.feature.pos1, word.feature.pos2
    return pos1 if not pos2 or pos2 == "*" else f"{pos1}-{pos2}"


class FugashiTokenizer:
    """spaCy tokenizer: normalized text in, Doc with lemmas and UniDic tags out."""

    def __init__(self, vocab: Vocab) -> None:
        self.vocab = vocab
        self._tagger = fugashi.Tagger()

    def _fugashi_tokens(self, text: str, offset: int) -> Iterator[Tuple[int, int, str, str]]:
        position = 0
        for word in self._tagger(text):
            start = text.index(word.surface, position)
            position = start + len(word.surface)
            yield offset + start, offset + position, _lemma(word), _tag(word)

    def __call__(self, text: str) -> Doc:
        normalized = normalize(text)
        body = normalized.text
        spans: List[Tuple[int, int, str, str]] = []
        cursor = 0
        for piece in whole_pieces(body):
            spans.extend(self._fugashi_tokens(body[cursor : piece.start], cursor))
            spans.append((piece.start, piece.end, piece.lemma, PROPER_NOUN_TAG))
            cursor = piece.end
        spans.extend(self._fugashi_tokens(body[cursor:], cursor))

        words = [body[s:e] for s, e, _, _ in spans]
        spaces = [e < len(body) and body[e] == " " for _, e, _, _ in spans]
        doc = Doc(
            self.vocab,
            words=words,
            spaces=spaces,
            lemmas=[lemma for _, _, lemma, _ in spans],
            tags=[tag for _, _, _, tag in spans],
        )
        doc.user_data["source_text"] = text
        doc.user_data["source_spans"] = [normalized.source_span(s, e) for s, e, _, _ in spans]
        return doc

    # A saved pipeline (nlp.to_disk) stores nothing for this tokenizer: it has no state.
    def to_disk(self, path, **kwargs) -> None:
        return None

    def from_disk(self, path, **kwargs) -> "FugashiTokenizer":
        return self

    def to_bytes(self, **kwargs) -> bytes:
        return b""

    def from_bytes(self, data: bytes, **kwargs) -> "FugashiTokenizer":
        return self


@spacy.registry.tokenizers(TOKENIZER_NAME)
def create_fugashi_tokenizer():
    """spaCy registry entry: `[nlp.tokenizer] @tokenizers = "bot.fugashi_ja.v1"`."""

    def make(nlp) -> FugashiTokenizer:
        return FugashiTokenizer(nlp.vocab)

    return make
