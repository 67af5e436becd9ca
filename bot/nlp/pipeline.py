"""The spaCy pipeline for Japanese support messages, and one cached analysis per text.

Both Rasa components (tokenizer and entity extractor) read the same `analyse(text)`,
so a message is parsed once per turn.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Callable, Dict, FrozenSet, List, Optional, Tuple, cast

import spacy
from spacy.language import Language
from spacy.pipeline import EntityRuler

from bot.domain.identifiers import canonical_activation_code, canonical_email, canonical_serial
from bot.nlp import lexicon
from bot.nlp.dates import COMPONENT as DATE_COMPONENT
from bot.nlp.dates import DATE
from bot.nlp.tokenizer import PROPER_NOUN_TAG, TOKENIZER_NAME

_CANONICAL: Dict[str, Callable[[str], Optional[str]]] = {
    "serial_number": canonical_serial,
    "activation_code": canonical_activation_code,
    "email": canonical_email,
}


def entity_patterns() -> List[dict]:
    """EntityRuler patterns over the tokenizer's whole-kept pieces."""
    patterns = [{"label": label, "pattern": [{"LEMMA": label, "TAG": PROPER_NOUN_TAG}]} for label in _CANONICAL]
    for canonical, (label, _) in lexicon.entries().items():
        if label:
            patterns.append({"label": label, "pattern": [{"LEMMA": canonical, "TAG": PROPER_NOUN_TAG}]})
    return patterns


def build_nlp() -> Language:
    """A blank Japanese spaCy pipeline on fugashi, with the domain entity ruler and dates."""
    nlp = spacy.blank("ja", config={"nlp": {"tokenizer": {"@tokenizers": TOKENIZER_NAME}}})
    # add_pipe's type is what every component is; "entity_ruler" makes an EntityRuler.
    ruler = cast(EntityRuler, nlp.add_pipe("entity_ruler", config={"validate": True}))
    ruler.add_patterns(entity_patterns())
    nlp.add_pipe(DATE_COMPONENT, after="entity_ruler")
    return nlp


@lru_cache(maxsize=1)
def get_nlp() -> Language:
    return build_nlp()


@dataclass(frozen=True)
class JaToken:
    text: str  # normalized form
    start: int  # offsets into the text as typed
    end: int
    lemma: str
    tag: str


@dataclass(frozen=True)
class JaEntity:
    label: str
    value: str  # canonical form; for a date the normalized text as written
    start: int  # offsets into the text as typed
    end: int


@dataclass(frozen=True)
class Analysis:
    normalized: str
    tokens: Tuple[JaToken, ...]
    entities: Tuple[JaEntity, ...]


@lru_cache(maxsize=4096)
def analyse(text: str) -> Analysis:
    """Normalized text, tokens and entities of one message, offsets as typed."""
    doc = get_nlp()(text)
    source = doc.user_data["source_spans"]
    tokens = tuple(JaToken(t.text, source[t.i][0], source[t.i][1], t.lemma_, t.tag_) for t in doc)
    entities = []
    for ent in doc.ents:
        canonical = _CANONICAL.get(ent.label_)
        if canonical:
            value = canonical(ent.text)
        else:
            # A date's lemmas would turn おととい into 一昨日: keep what the customer wrote.
            value = ent.text if ent.label_ == DATE else ent.lemma_
        if value:
            entities.append(JaEntity(ent.label_, value, source[ent.start][0], source[ent.end - 1][1]))
    return Analysis(doc.text, tokens, tuple(entities))


def lemmas(text: str) -> FrozenSet[str]:
    """The lemmas of a message's tokens, which the rules of bot.support read its words by."""
    return frozenset(token.lemma for token in analyse(text).tokens)
