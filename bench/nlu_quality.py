"""Understanding benchmark: this bot's NLU against stock Rasa and a TF-IDF baseline.

In one run, three systems learn from the same data (data/nlu + domain.yml): this bot's
pipeline (config.yml), stock Rasa (bench/configs/stock.yml) and a character n-gram
TF-IDF + logistic-regression classifier. All three are scored on the held-out set
tests/nlu (never trained on), on the blind set bench/data/blind (written from customer
personas by helpers that never saw the training data; not a test gate, a measurement; its
wrong readings are never listed, so that nobody tunes on it: bench/data/dev is for that)
and on the gold entities in bench/data/entities_gold.yml; then this bot's pipeline is
cross-validated on the training data. On the blind set the report also says how often a
message got a wrong guide answer, and how far the bot's confidence is from its accuracy
(reliability plot, expected calibration error).

    .venv/bin/python bench/nlu_quality.py          # about an hour on 2 cores
    .venv/bin/python bench/nlu_quality.py --quick  # smoke test, results to a temp dir
    .venv/bin/python bench/nlu_quality.py --score-model models/current.tar.gz
                                                   # an already trained model on both sets, no training

Writes bench/results/nlu.json, bench/results/nlu.md (the `## Understanding` section of
the benchmark report) and bench/figures/intent_confusion.png. Models are trained into
a temporary directory with Rasa's training cache off, so nothing else in the project
changes and every training time is a cold one.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (after choosing the backend)
import yaml
from rasa.core.agent import Agent
from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLWriter
from rasa.shared.nlu.training_data.loading import load_data
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from rasa.utils.log_utils import configure_structlog
from sklearn.base import clone
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import confusion_matrix, f1_score
from sklearn.model_selection import GridSearchCV, StratifiedKFold
from sklearn.pipeline import Pipeline

ROOT = Path(__file__).resolve().parent.parent
RASA = Path(sys.executable).parent / "rasa"
TRAINING_NLU = ROOT / "data" / "nlu"
DOMAIN = ROOT / "domain.yml"
HELDOUT = ROOT / "tests" / "nlu"
BLIND = ROOT / "bench" / "data" / "blind"
# Written apart from the training data like the blind set, for choosing thresholds and checks on
# (bench/data/dev); the blind set then measures the choice once.
DEV = ROOT / "bench" / "data" / "dev"
# Messages that only name a topic ("振込用紙の件"), written apart from the training data.
TOPIC_ONLY_SET = ROOT / "bench" / "data" / "vague"
BOT_CONFIG = ROOT / "config.yml"
STOCK_CONFIG = ROOT / "bench" / "configs" / "stock.yml"
ENTITY_GOLD = ROOT / "bench" / "data" / "entities_gold.yml"
RESULTS = ROOT / "bench" / "results"
FIGURES = ROOT / "bench" / "figures"

FAQ = "faq"
OUT_OF_SCOPE = "out_of_scope"
HANDOVER = "request_human"
FALLBACK = "nlu_fallback"
TOPIC_ONLY = "topic_only"
ENTITY_TYPES = ("serial_number", "activation_code", "email", "product", "payment_channel", "date")
SYSTEMS = {
    "bot": "this bot's pipeline",
    "lexical": "the same without the sentence encoder and its check",
    "stock": "stock Rasa",
    "tfidf": "TF-IDF + logistic regression",
}
RASA_SYSTEMS = ("bot", "lexical", "stock")
ENCODER_COMPONENTS = {
    "bot.nlp.rasa_components.SentenceEncoderFeaturizer",
    "bot.nlp.rasa_components.SecondOpinionCheck",
    "bot.nlp.rasa_components.NearestQuestionCheck",
}
TARGET = 0.95
# The share of all messages that may get a wrong guide answer (issue 15).
MAX_WRONG_ANSWERS = 0.01
CALIBRATION_BINS = 10
SEED = 1
QUICK_EPOCHS = 3
QUICK_FOLDS = 2
CV_METRICS = ("intent_macro_f1", "faq_accuracy", "tfidf_intent_macro_f1", "tfidf_faq_accuracy")
# Per target metric, the count of messages behind it (intents right, FAQ answers right).
RIGHT = {"intent_macro_f1": "intent_right", "faq_accuracy": "faq_right"}

log = logging.getLogger("nlu_quality")


# --- data -------------------------------------------------------------------------


@dataclass(frozen=True)
class Example:
    text: str
    label: str  # the full intent: faq/<answer key> for FAQ questions

    @property
    def intent(self) -> str:
        return self.label.split("/", 1)[0]


@dataclass(frozen=True)
class GoldSentence:
    text: str
    entities: Tuple[Tuple[str, str], ...]  # (type, value)


def examples(messages: Sequence[Message]) -> List[Example]:
    return [Example(m.get("text"), m.get_full_intent()) for m in messages]


def load_heldout(folder: Path = HELDOUT) -> List[Message]:
    return [m for path in sorted(folder.glob("*.yml")) for m in load_data(str(path)).intent_examples]


def load_entity_gold() -> List[GoldSentence]:
    sentences = yaml.safe_load(ENTITY_GOLD.read_text(encoding="utf-8"))["sentences"]
    return [GoldSentence(s["text"], tuple((e["type"], str(e["value"])) for e in s["entities"])) for s in sentences]


# --- systems ----------------------------------------------------------------------


@dataclass(frozen=True)
class Prediction:
    intent: str  # what the bot acts on: nlu_fallback is refused like out_of_scope (rules/basics.yml)
    top_intent: str  # the classifier's own best intent, fallback undone, as `rasa test nlu` scores it
    faq_key: Optional[str]
    entities: Optional[Tuple[Tuple[str, str], ...]]  # None: the system does not extract entities
    # How sure the system is of what it acts on: the intent's probability, times the chosen
    # answer's for an FAQ question.
    confidence: float = 1.0


def quick_config(config: Path, workdir: Path) -> Path:
    """A copy of `config` with every epoch count cut to QUICK_EPOCHS."""
    content = yaml.safe_load(config.read_text(encoding="utf-8"))
    for component in content.get("pipeline", []):
        if "epochs" in component:
            component["epochs"] = QUICK_EPOCHS
    copy = workdir / f"quick_{config.name}"
    copy.write_text(yaml.safe_dump(content, allow_unicode=True), encoding="utf-8")
    return copy


def lexical_config(config: Path, workdir: Path) -> Path:
    """`config` without the sentence encoder: the pipeline as it was before issue 15."""
    content = yaml.safe_load(config.read_text(encoding="utf-8"))
    content["pipeline"] = [c for c in content["pipeline"] if c["name"] not in ENCODER_COMPONENTS]
    copy = workdir / f"lexical_{config.name}"
    copy.write_text(yaml.safe_dump(content, allow_unicode=True), encoding="utf-8")
    return copy


def train_rasa(config: Path, nlu: Path, workdir: Path, name: str) -> Tuple[Path, float]:
    """`rasa train nlu` into `workdir`: the model's path and the wall-clock seconds it took."""
    output = workdir / f"{name}.log"
    command = [
        str(RASA),
        "train",
        "nlu",
        "--config",
        str(config),
        "--nlu",
        str(nlu),
        "--domain",
        str(DOMAIN),
        "--out",
        str(workdir),
        "--fixed-model-name",
        name,
    ]
    # Cache off: the shared .rasa/cache stays untouched and no training reuses another's work.
    env = dict(os.environ, RASA_TELEMETRY_ENABLED="false", RASA_MAX_CACHE_SIZE="0")
    started = time.perf_counter()
    with output.open("w", encoding="utf-8") as out:
        result = subprocess.run(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        tail = output.read_text(encoding="utf-8")[-3000:]
        raise SystemExit(f"rasa train nlu failed for {name} (log {output}):\n{tail}")
    return workdir / f"{name}.tar.gz", seconds


def rasa_predictions(model: Path, texts: Sequence[str]) -> List[Prediction]:
    """Parses `texts` with the model loaded in this process."""
    agent = Agent.load(str(model))

    async def parse_all() -> List[dict]:
        return [await agent.parse_message(text) for text in texts]

    return [_from_rasa(parsed) for parsed in asyncio.run(parse_all())]


def _from_rasa(parsed: dict) -> Prediction:
    name = parsed["intent"]["name"]
    ranked = [r["name"] for r in parsed.get("intent_ranking", []) if r["name"] != FALLBACK]
    selectors = parsed.get("response_selector", {})
    # A selector trained for all retrieval intents is filed under "default".
    selector = selectors.get(FAQ) or selectors.get("default") or {}
    confidence = parsed["intent"].get("confidence") or 0.0
    if name == FAQ:
        confidence *= selector.get("response", {}).get("confidence") or 0.0
    return Prediction(
        intent=OUT_OF_SCOPE if name == FALLBACK else name,
        top_intent=ranked[0] if ranked else name,
        faq_key=selector.get("response", {}).get("intent_response_key"),
        entities=tuple((e["entity"], str(e["value"])) for e in parsed.get("entities", [])),
        confidence=float(confidence),
    )


def train_tfidf(train: Sequence[Example]) -> GridSearchCV:
    """Character n-gram TF-IDF + logistic regression over the full labels (faq/<key> included).

    Its n-gram range and regularization are chosen by cross-validation on the training
    data only, so the baseline is not handicapped by an arbitrary setting.
    """
    pipeline = Pipeline(
        [
            ("tfidf", TfidfVectorizer(analyzer="char_wb", sublinear_tf=True)),
            ("logreg", LogisticRegression(max_iter=5000)),
        ]
    )
    grid = {"tfidf__ngram_range": [(1, 3), (2, 4)], "logreg__C": [1.0, 10.0, 100.0]}
    search = GridSearchCV(pipeline, grid, scoring="f1_macro", cv=StratifiedKFold(3, shuffle=True, random_state=SEED))
    search.fit([e.text for e in train], [e.label for e in train])
    return search


def tfidf_predictions(model: GridSearchCV, texts: Sequence[str]) -> List[Prediction]:
    predictions = []
    for label, probabilities in zip(model.predict(list(texts)), model.predict_proba(list(texts))):
        intent = label.split("/", 1)[0]
        predictions.append(
            Prediction(intent, intent, label if intent == FAQ else None, None, float(probabilities.max()))
        )
    return predictions


# --- scores -----------------------------------------------------------------------


def intent_scores(gold: Sequence[Example], predicted: Sequence[Prediction]) -> Dict[str, float]:
    """The intent and FAQ metrics, and how many messages each system got right for them."""
    truth = [e.intent for e in gold]
    labels = sorted(set(truth))
    faq = [(e, p) for e, p in zip(gold, predicted) if e.intent == FAQ]
    out_of_scope = [p for e, p in zip(gold, predicted) if e.intent == OUT_OF_SCOPE]
    return {
        "intent_right": sum(p.intent == e.intent for e, p in zip(gold, predicted)),
        "faq_right": sum(p.faq_key == e.label for e, p in faq),
        "intent_macro_f1": float(
            f1_score(truth, [p.intent for p in predicted], labels=labels, average="macro", zero_division=0)
        ),
        "intent_macro_f1_fallback_undone": float(
            f1_score(truth, [p.top_intent for p in predicted], labels=labels, average="macro", zero_division=0)
        ),
        "faq_accuracy": _share(p.faq_key == e.label for e, p in faq),
        # The customer only gets the answer if the intent is faq as well.
        "faq_answered": _share(p.faq_key == e.label and p.intent == FAQ for e, p in faq),
        # Refused, or handed to a person (the measure): both keep a wrong answer from the customer.
        "out_of_scope_refused": _share(p.intent in (OUT_OF_SCOPE, HANDOVER) for p in out_of_scope),
        # The worst outcome: the customer gets a guide answer to a question it does not answer.
        "wrong_faq_answers": _share(p.intent == FAQ and p.faq_key != e.label for e, p in zip(gold, predicted)),
    }


def is_right(example: Example, prediction: Prediction) -> bool:
    """Whether the customer gets what the message needs: the intent, and for FAQ the answer."""
    return prediction.intent == example.intent and (example.intent != FAQ or prediction.faq_key == example.label)


def calibration(gold: Sequence[Example], predicted: Sequence[Prediction], bins: int = CALIBRATION_BINS) -> dict:
    """Accuracy against confidence in equal-width bins, and the expected calibration error
    (the bins' gap between the two, weighted by how many messages fall in each)."""
    rows = []
    for low in range(bins):
        inside = [
            (e, p)
            for e, p in zip(gold, predicted)
            if low / bins <= p.confidence < (low + 1) / bins or (low == bins - 1 and p.confidence == 1.0)
        ]
        if inside:
            rows.append(
                {
                    "from": low / bins,
                    "to": (low + 1) / bins,
                    "messages": len(inside),
                    "confidence": statistics.mean(p.confidence for _, p in inside),
                    "accuracy": _share(is_right(e, p) for e, p in inside),
                }
            )
    total = sum(row["messages"] for row in rows)
    ece = sum(row["messages"] / total * abs(row["accuracy"] - row["confidence"]) for row in rows)
    return {"bins": rows, "ece": ece}


def _share(hits) -> float:
    hits = list(hits)
    return sum(hits) / len(hits)


def entity_scores(gold: Sequence[GoldSentence], predicted: Sequence[Prediction]) -> Optional[dict]:
    """Precision, recall and F1 per type and micro-averaged; a match is the same type and value."""
    if predicted[0].entities is None:
        return None
    counts: Dict[str, Counter] = defaultdict(Counter)
    for sentence, prediction in zip(gold, predicted):
        wanted, found = Counter(sentence.entities), Counter(prediction.entities)
        hits = wanted & found
        for outcome, bag in (("tp", hits), ("fp", found - hits), ("fn", wanted - hits)):
            for (kind, _), n in bag.items():
                counts[kind][outcome] += n
    total = sum(counts.values(), Counter())
    return {
        "micro": _precision_recall_f1(total),
        "per_type": {kind: _precision_recall_f1(counts[kind]) for kind in ENTITY_TYPES},
    }


def _precision_recall_f1(c: Counter) -> dict:
    precision = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else 0.0
    recall = c["tp"] / (c["tp"] + c["fn"]) if c["tp"] + c["fn"] else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "gold": c["tp"] + c["fn"], "found": c["tp"] + c["fp"]}


def bot_errors(gold: Sequence[Example], predicted: Sequence[Prediction]) -> List[dict]:
    """The held-out messages this bot's pipeline gets wrong, for whoever improves the data."""
    return [
        {"text": e.text, "gold": e.label, "predicted_intent": p.intent, "predicted_faq_key": p.faq_key}
        for e, p in zip(gold, predicted)
        if p.intent != e.intent or (e.intent == FAQ and p.faq_key != e.label)
    ]


# --- the run ----------------------------------------------------------------------


def run_systems(
    workdir: Path, configs: Dict[str, Path], train: List[Example], texts: List[str], steps: int
) -> Tuple[Dict[str, Tuple[List[Prediction], float]], GridSearchCV, float]:
    """Trains the three systems and has each read `texts`: per system its predictions and
    training seconds; and the TF-IDF grid search with the seconds it took."""
    runs = {}
    for step, system in enumerate(RASA_SYSTEMS, start=1):
        log.info("[%d/%d] training %s (rasa train nlu)", step, steps, SYSTEMS[system])
        model, seconds = train_rasa(configs[system], TRAINING_NLU, workdir, system)
        log.info("[%d/%d] trained in %.0f s; parsing %d messages", step, steps, seconds, len(texts))
        runs[system] = (rasa_predictions(model, texts), seconds)
    log.info("training the TF-IDF baseline (grid search on the training data)")
    started = time.perf_counter()
    search = train_tfidf(train)
    tuning = time.perf_counter() - started
    log.info("TF-IDF baseline tuned and trained in %.0f s, chose %s", tuning, search.best_params_)
    # Its training time is the final fit; the search is reported apart.
    runs["tfidf"] = (tfidf_predictions(search, texts), search.refit_time_)
    return runs, search, tuning


def score_system(
    system: str,
    predictions: List[Prediction],
    seconds: float,
    heldout: List[Example],
    gold: List[GoldSentence],
    blind: List[Example],
    topic_only: List[Example],
) -> dict:
    """`predictions` cover the held-out messages, then the entity gold messages, then the blind
    set, then the topic-only messages."""
    on_heldout = predictions[: len(heldout)]
    on_gold = predictions[len(heldout) : len(heldout) + len(gold)]
    on_blind = predictions[len(heldout) + len(gold) : len(heldout) + len(gold) + len(blind)]
    on_topic_only = predictions[len(heldout) + len(gold) + len(blind) :]
    intents = sorted({e.intent for e in heldout})
    per_intent = f1_score(
        [e.intent for e in heldout], [p.intent for p in on_heldout], labels=intents, average=None, zero_division=0
    )
    return {
        "name": SYSTEMS[system],
        "training_seconds": seconds,
        **intent_scores(heldout, on_heldout),
        "entities": entity_scores(gold, on_gold),
        "per_intent_f1": dict(zip(intents, per_intent.tolist())),
        "blind": score_blind(blind, on_blind),
        "topic_only": topic_only_scores(topic_only, on_topic_only),
    }


def topic_only_scores(messages: Sequence[Example], predicted: Sequence[Prediction]) -> dict:
    """A message that only names a topic should be asked back (choices, or not understood), not answered."""
    return {
        "messages": len(messages),
        "answered_outright": _share(p.intent == FAQ for p in predicted),
        "asked_back": _share(p.intent in (TOPIC_ONLY, OUT_OF_SCOPE) for p in predicted),
        "read_as_topic_only": _share(p.intent == TOPIC_ONLY for p in predicted),
    }


def score_blind(blind: Sequence[Example], predicted: Sequence[Prediction]) -> dict:
    return {**intent_scores(blind, predicted), "calibration": calibration(blind, predicted)}


def cross_validate(
    workdir: Path, config: Path, baseline: Pipeline, messages: List[Message], folds: int, *, first_step: int, steps: int
) -> dict:
    """Stratified k-fold of this bot's pipeline on the training data, split by full intent.

    The TF-IDF baseline (its chosen settings) is refitted on the same folds, so the
    distance between these figures and the held-out ones can be read against it.
    """
    labels = [m.get_full_intent() for m in messages]
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=SEED)
    per_fold = []
    for fold, (train_index, test_index) in enumerate(splitter.split(messages, labels), start=1):
        step = first_step + fold - 1
        fold_data = workdir / f"fold{fold}.yml"
        RasaYAMLWriter().dump(fold_data, TrainingData(training_examples=[messages[i] for i in train_index]))
        log.info(
            "[%d/%d] cross-validation fold %d of %d: training on %d, testing on %d",
            step,
            steps,
            fold,
            folds,
            len(train_index),
            len(test_index),
        )
        model, seconds = train_rasa(config, fold_data, workdir, f"fold{fold}")
        train, test = examples([messages[i] for i in train_index]), examples([messages[i] for i in test_index])
        texts = [e.text for e in test]
        scores = intent_scores(test, rasa_predictions(model, texts))
        model.unlink()
        refitted = clone(baseline).fit([e.text for e in train], [e.label for e in train])
        baseline_scores = intent_scores(test, tfidf_predictions(refitted, texts))
        log.info(
            "[%d/%d] fold %d: intent macro-F1 %.3f, FAQ accuracy %.3f (trained in %.0f s); TF-IDF %.3f, %.3f",
            step,
            steps,
            fold,
            scores["intent_macro_f1"],
            scores["faq_accuracy"],
            seconds,
            baseline_scores["intent_macro_f1"],
            baseline_scores["faq_accuracy"],
        )
        per_fold.append(
            {
                "fold": fold,
                "train": len(train_index),
                "test": len(test_index),
                "training_seconds": seconds,
                "intent_macro_f1": scores["intent_macro_f1"],
                "faq_accuracy": scores["faq_accuracy"],
                "tfidf_intent_macro_f1": baseline_scores["intent_macro_f1"],
                "tfidf_faq_accuracy": baseline_scores["faq_accuracy"],
            }
        )
    return {
        "folds": folds,
        "per_fold": per_fold,
        **{
            metric: {
                "mean": statistics.mean(f[metric] for f in per_fold),
                "sd": statistics.stdev(f[metric] for f in per_fold),
            }
            for metric in CV_METRICS
        },
    }


def targets(scores: dict) -> dict:
    """Each target metric of this bot against the threshold and the better baseline."""
    verdicts = {}
    for metric, right in RIGHT.items():
        bot = scores["bot"][metric]
        baseline = max(("stock", "tfidf"), key=lambda system: scores[system][metric])
        best = scores[baseline][metric]
        verdicts[metric] = {
            "value": bot,
            "threshold": TARGET,
            "margin_over_threshold": bot - TARGET,
            "best_baseline": baseline,
            "best_baseline_value": best,
            "margin_over_best_baseline": bot - best,
            "right": scores["bot"][right],
            "best_baseline_right": scores[baseline][right],
            "met": bot >= TARGET and bot > best,
        }
    return verdicts


# --- outputs ----------------------------------------------------------------------


def plot_confusion(heldout: Sequence[Example], predicted: Sequence[Prediction], path: Path) -> None:
    truth, guess = [e.intent for e in heldout], [p.intent for p in predicted]
    labels = sorted(set(truth) | set(guess))
    matrix = confusion_matrix(truth, guess, labels=labels)
    # Colour by share of the gold row: faq has 30 times the messages of most intents and
    # would wash everything else out; the cells still show counts.
    shares = matrix / matrix.sum(axis=1, keepdims=True).clip(min=1)
    figure, axes = plt.subplots(figsize=(11, 9.5))
    image = axes.imshow(shares, cmap="Blues", vmin=0, vmax=1)
    axes.set_xticks(range(len(labels)), labels, rotation=60, ha="right")
    axes.set_yticks(range(len(labels)), labels)
    for row in range(len(labels)):
        for column in range(len(labels)):
            if matrix[row, column]:
                axes.text(
                    column,
                    row,
                    matrix[row, column],
                    ha="center",
                    va="center",
                    color="white" if shares[row, column] > 0.5 else "black",
                    fontsize=8,
                )
    axes.set_xlabel("predicted intent (nlu_fallback counted as out_of_scope)")
    axes.set_ylabel("gold intent")
    axes.set_title(f"This bot's pipeline on the held-out NLU set (n={len(heldout)})")
    figure.colorbar(image, ax=axes, fraction=0.04, label="share of the gold intent's messages")
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=110)
    plt.close(figure)


def plot_reliability(curves: Dict[str, dict], path: Path, title: str) -> None:
    """Accuracy against confidence per system, with each bin's share of the messages."""
    figure, (axes, counts) = plt.subplots(2, 1, figsize=(7, 8), gridspec_kw={"height_ratios": [3, 1]}, sharex=True)
    axes.plot([0, 1], [0, 1], color="grey", linestyle="--", linewidth=1, label="perfectly calibrated")
    for name, result in curves.items():
        bins = result["bins"]
        axes.plot(
            [b["confidence"] for b in bins],
            [b["accuracy"] for b in bins],
            marker="o",
            label=f"{name} (ECE {result['ece']:.3f})",
        )
        counts.plot([(b["from"] + b["to"]) / 2 for b in bins], [b["messages"] for b in bins], marker="o", label=name)
    axes.set_ylabel("accuracy (right intent and, for FAQ, right answer)")
    axes.set_xlim(0, 1)
    axes.set_ylim(0, 1)
    axes.set_title(title)
    axes.legend(loc="upper left", fontsize=8)
    counts.set_xlabel(f"confidence in what the system acts on ({CALIBRATION_BINS} bins)")
    counts.set_ylabel("messages")
    counts.set_yscale("log")
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=110)
    plt.close(figure)


def blind_markdown(report: dict) -> List[str]:
    s, blind = report["systems"], report["blind"]
    lines = [
        f"### Blind set ({blind['examples']} messages in `bench/data/blind`: {blind['faq_examples']} FAQ "
        f"questions, {blind['out_of_scope_examples']} the guides do not answer)",
        "",
        "Written from customer personas (a busy IT admin, an elderly home user, a partner engineer, "
        "a frustrated customer, a young LINE user, a shop owner) by helpers that saw the guides "
        "and the label list, never the training data; not edited after scoring. "
        f"{blind['also_in_training']} of them also occur verbatim in the training data.",
        "",
        "| system | intent macro-F1 | FAQ answer selection | FAQ answered "
        "| not in the guides: refused or handed over | wrong guide answers (all messages) | ECE |",
        "|---|---|---|---|---|---|---|",
    ]
    for key in SYSTEMS:
        b = s[key]["blind"]
        lines.append(
            f"| {s[key]['name']} | {_f(b['intent_macro_f1'])} | {_f(b['faq_accuracy'])} | "
            f"{_f(b['faq_answered'])} | {_f(b['out_of_scope_refused'])} | "
            f"{_f(b['wrong_faq_answers'])} | {_f(b['calibration']['ece'])} |"
        )
    b = s["bot"]["blind"]
    lines += (
        [
            "",
            f"- Targets (issue 15) for this bot on the blind set: intent macro-F1 ≥ {TARGET} "
            f"({'met' if b['intent_macro_f1'] >= TARGET else 'missed'}), FAQ answer selection ≥ {TARGET} "
            f"({'met' if b['faq_accuracy'] >= TARGET else 'missed'}), not-in-the-guides refused ≥ {TARGET} "
            f"({'met' if b['out_of_scope_refused'] >= TARGET else 'missed'}), wrong guide answers ≤ "
            f"{MAX_WRONG_ANSWERS:.0%} ({'met' if b['wrong_faq_answers'] <= MAX_WRONG_ANSWERS else 'missed'}).",
            "- *wrong guide answers*: messages of any kind that got an FAQ answer other than the right one "
            "(a question the guides do not answer, answered anyway, counts here).",
            "- *ECE*: expected calibration error of the confidence the system acts on, over "
            f"{CALIBRATION_BINS} equal-width bins (0 = its confidence is its accuracy).",
            "",
            "![Reliability on the blind set](../figures/reliability_blind.png)",
            "",
            f"### Messages that only name a topic ({s['bot']['topic_only']['messages']} in `bench/data/vague`)",
            "",
            "Chat openers such as 「振込用紙の件」 ask for no answer in particular: the bot should offer the "
            "topic's answers to choose from (or say it did not understand), not state one.",
            "",
            "| system | answered outright with one guide answer | asked back |",
            "|---|---|---|",
        ]
        + [
            f"| {s[key]['name']} | {_f(s[key]['topic_only']['answered_outright'])} | "
            f"{_f(s[key]['topic_only']['asked_back'])} |"
            for key in SYSTEMS
        ]
        + [""]
    )
    return lines


def _f(value: float) -> str:
    return f"{value:.3f}"


def _seconds(value: float) -> str:
    return f"{value:.1f} s" if value < 10 else f"{value:.0f} s"


def cross_validation_markdown(cv: Optional[dict]) -> List[str]:
    if cv is None:
        return ["### Cross-validation of this bot's pipeline", "", "Not run in this run (`--folds 0`).", ""]
    lines = [
        f"### Cross-validation of this bot's pipeline ({cv['folds']} stratified folds of `data/nlu`)",
        "",
        "Same metrics on each fold's held-back part; the TF-IDF baseline, refitted on the same "
        "folds with the settings chosen above, for comparison.",
        "",
        "| fold | train | test | intent macro-F1 | FAQ answer selection | training | TF-IDF macro-F1 | TF-IDF FAQ |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for f in cv["per_fold"]:
        lines.append(
            f"| {f['fold']} | {f['train']} | {f['test']} | {_f(f['intent_macro_f1'])} | "
            f"{_f(f['faq_accuracy'])} | {_seconds(f['training_seconds'])} | "
            f"{_f(f['tfidf_intent_macro_f1'])} | {_f(f['tfidf_faq_accuracy'])} |"
        )
    mean_sd = {metric: f"{_f(cv[metric]['mean'])} ± {_f(cv[metric]['sd'])}" for metric in CV_METRICS}
    lines.append(
        f"| **mean ± sd** | | | {mean_sd['intent_macro_f1']} | {mean_sd['faq_accuracy']} | | "
        f"{mean_sd['tfidf_intent_macro_f1']} | {mean_sd['tfidf_faq_accuracy']} |"
    )
    return lines


def markdown(report: dict) -> str:
    s, held, cv = report["systems"], report["heldout"], report["cross_validation"]
    grid = s["tfidf"]["grid_search"]
    order = tuple(SYSTEMS)
    lines = [
        "## Understanding",
        "",
        f"Four systems trained in one run ({report['generated']}) on the same data "
        f"({report['training_data']['examples']} examples of {report['training_data']['intents']} intents, "
        f"{report['training_data']['faq_answers']} FAQ answers in `data/nlu`): this bot's pipeline "
        "(`config.yml`), the same without its sentence encoder and second-opinion check (as before "
        "issue 15), stock Rasa (`bench/configs/stock.yml`, whitespace tokenizer and default "
        "featurizers under `language: en`) and a character n-gram TF-IDF + logistic-regression "
        f"classifier (scikit-learn; n-grams {grid['chosen']['tfidf__ngram_range']}, "
        f"C = {grid['chosen']['logreg__C']}, chosen by 3-fold CV on the training data). "
        "Scored on the held-out set `tests/nlu` "
        f"({held['examples']} messages: {held['faq_examples']} FAQ questions, "
        f"{held['out_of_scope_examples']} out of scope; {held['also_in_training']} of them also occur "
        "verbatim in the training data). Produced by `bench/nlu_quality.py`"
        + (" **in quick mode (few epochs): not a real result**." if report["quick"] else "."),
        "",
        "| system | intent macro-F1 | macro-F1, fallback undone | FAQ answer selection | "
        "FAQ answered | out of scope refused | entity micro-F1 | training |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for key in order:
        r = s[key]
        entity = _f(r["entities"]["micro"]["f1"]) if r["entities"] else "—"
        lines.append(
            f"| {r['name']} | {_f(r['intent_macro_f1'])} | {_f(r['intent_macro_f1_fallback_undone'])} | "
            f"{_f(r['faq_accuracy'])} | {_f(r['faq_answered'])} | {_f(r['out_of_scope_refused'])} | "
            f"{entity} | {_seconds(r['training_seconds'])} |"
        )
    lines += [
        "",
        "- *intent macro-F1*: over the held-out intents, FAQ questions counted as `faq`; an "
        "`nlu_fallback` counts as `out_of_scope`, since the bot refuses both the same way. "
        "*fallback undone*: the classifier's best intent instead, as `rasa test nlu` scores it.",
        "- *FAQ answer selection*: FAQ questions whose selected answer key is right; "
        "*FAQ answered*: that and the intent is `faq`, so the customer gets the answer.",
        "- *out of scope refused*: out-of-scope messages predicted `out_of_scope` or `nlu_fallback` (refused), "
        "or `request_human` (handed to a person).",
        "- *training*: wall-clock time on a shared 2-core machine, cold (Rasa's cache off); "
        "for Rasa the whole `rasa train nlu` process, for TF-IDF the final fit (the grid search "
        f"that chose its settings took {_seconds(grid['tuning_seconds'])} in all).",
        "",
        f"### Entities ({report['entity_gold']['sentences']} messages, "
        f"{report['entity_gold']['entities']} gold entities in `bench/data/entities_gold.yml`)",
        "",
        "A match is the same type and the same canonical value (dates: the normalized text).",
        "",
        "| type | gold | this bot P / R / F1 | stock Rasa F1 | TF-IDF |",
        "|---|---|---|---|---|",
    ]
    bot_e, stock_e = s["bot"]["entities"], s["stock"]["entities"]
    for kind in (*ENTITY_TYPES, "micro"):
        b = bot_e["micro"] if kind == "micro" else bot_e["per_type"][kind]
        st = stock_e["micro"] if kind == "micro" else stock_e["per_type"][kind]
        stock_cell = _f(st["f1"]) + (" (found none)" if st["found"] == 0 else "")
        label = "**all (micro)**" if kind == "micro" else kind
        lines.append(
            f"| {label} | {b['gold']} | {_f(b['precision'])} / {_f(b['recall'])} / {_f(b['f1'])} | {stock_cell} | — |"
        )
    lines += [
        "",
        "Stock Rasa could only learn entities from annotated examples, and the training data "
        "has none (this bot finds entities with rules), so it finds none. The TF-IDF baseline "
        "classifies intents only.",
        "",
    ]
    lines += cross_validation_markdown(cv)
    t = report["targets"]
    lines += ["", "### Targets", ""]
    names = {
        "intent_macro_f1": ("Intent macro-F1", "intents", held["examples"]),
        "faq_accuracy": ("FAQ answer-selection accuracy", "answers", held["faq_examples"]),
    }
    for metric, (name, what, total) in names.items():
        v = t[metric]
        lines.append(
            f"- {name} ≥ {TARGET} on the held-out set and ahead of both baselines: "
            f"**{'met' if v['met'] else 'missed'}**. {_f(v['value'])} ({v['right']} of {total} {what} right): "
            f"{v['margin_over_threshold']:+.3f} against {TARGET}, {v['margin_over_best_baseline']:+.3f} "
            f"against the better baseline, {SYSTEMS[v['best_baseline']]} with {_f(v['best_baseline_value'])} "
            f"({v['best_baseline_right']} of {total} right)."
        )
    lines += ["", "![Intent confusion matrix](../figures/intent_confusion.png)", ""]
    lines += blind_markdown(report)
    return "\n".join(lines)


def set_summary(messages: Sequence[Example], train_texts: set) -> dict:
    return {
        "examples": len(messages),
        "faq_examples": sum(e.intent == FAQ for e in messages),
        "out_of_scope_examples": sum(e.intent == OUT_OF_SCOPE for e in messages),
        "also_in_training": sum(e.text in train_texts for e in messages),
    }


def score_model(
    model: Path,
    heldout: List[Example],
    blind: List[Example],
    topic_only: List[Example],
    dev: List[Example],
    train_texts: set,
) -> None:
    """Print how a trained model reads the held-out, blind, topic-only and development sets, and
    draw its reliability plot. Messages it gets wrong are listed for the development set only: the
    blind set stays blind to whoever tunes the bot."""
    texts = [e.text for e in heldout] + [e.text for e in blind] + [e.text for e in topic_only] + [e.text for e in dev]
    predictions = rasa_predictions(model, texts)
    on_heldout = predictions[: len(heldout)]
    on_blind = predictions[len(heldout) : len(heldout) + len(blind)]
    on_topic_only = predictions[len(heldout) + len(blind) : len(heldout) + len(blind) + len(topic_only)]
    on_dev = predictions[len(heldout) + len(blind) + len(topic_only) :]
    figure = Path(tempfile.mkdtemp(prefix="nlu_score_")) / "reliability_blind.png"
    results = {
        "model": str(model),
        "heldout": {**set_summary(heldout, train_texts), **intent_scores(heldout, on_heldout)},
        "blind": {**set_summary(blind, train_texts), **score_blind(blind, on_blind)},
        "topic_only": topic_only_scores(topic_only, on_topic_only),
        "dev": {**set_summary(dev, train_texts), **score_blind(dev, on_dev), "errors": bot_errors(dev, on_dev)},
    }
    plot_reliability({model.name: results["blind"]["calibration"]}, figure, f"{model.name} on the blind set")
    print(json.dumps(_rounded(results), ensure_ascii=False, indent=2))
    log.info("reliability plot: %s", figure)


def _rounded(value):
    if isinstance(value, float):
        return round(value, 4)
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_rounded(v) for v in value]
    return value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--folds",
        type=int,
        default=5,
        help="cross-validation folds (default 5; 0: no cross-validation, an hour and a half less)",
    )
    parser.add_argument(
        "--score-model",
        type=Path,
        metavar="MODEL",
        help="score an already trained model on the held-out and blind sets (no training)",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help=f"smoke test: {QUICK_EPOCHS} epochs, {QUICK_FOLDS} folds, results to a temp dir",
    )
    args = parser.parse_args()
    os.environ["RASA_TELEMETRY_ENABLED"] = "false"  # for the models loaded in this process too
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(message)s", datefmt="%H:%M:%S")
    log.setLevel(logging.INFO)
    configure_structlog(logging.WARNING)  # or Rasa logs every parsed message
    folds = QUICK_FOLDS if args.quick else args.folds
    results_dir = Path(tempfile.mkdtemp(prefix="nlu_quality_quick_")) if args.quick else RESULTS
    figure = results_dir / "intent_confusion.png" if args.quick else FIGURES / "intent_confusion.png"

    training = load_data(str(TRAINING_NLU)).intent_examples
    train, heldout, gold = examples(training), examples(load_heldout()), load_entity_gold()
    blind = examples(load_heldout(BLIND))
    topic_only = examples(load_heldout(TOPIC_ONLY_SET))
    if args.score_model:
        score_model(args.score_model, heldout, blind, topic_only, examples(load_heldout(DEV)), {e.text for e in train})
        return
    texts = [e.text for e in heldout] + [s.text for s in gold] + [e.text for e in blind] + [e.text for e in topic_only]
    steps = len(RASA_SYSTEMS) + folds

    with tempfile.TemporaryDirectory(prefix="nlu_quality_") as tmp:
        workdir = Path(tmp)
        configs = {"bot": BOT_CONFIG, "lexical": lexical_config(BOT_CONFIG, workdir), "stock": STOCK_CONFIG}
        if args.quick:
            configs = {name: quick_config(path, workdir) for name, path in configs.items()}
        runs, search, tuning = run_systems(workdir, configs, train, texts, steps)
        scores = {
            system: score_system(system, predictions, seconds, heldout, gold, blind, topic_only)
            for system, (predictions, seconds) in runs.items()
        }
        for r in scores.values():
            log.info(
                "held out, %s: intent macro-F1 %.3f, FAQ accuracy %.3f, out of scope refused %.3f",
                r["name"],
                r["intent_macro_f1"],
                r["faq_accuracy"],
                r["out_of_scope_refused"],
            )
        cv = (
            cross_validate(
                workdir,
                configs["bot"],
                search.best_estimator_,
                training,
                folds,
                first_step=len(RASA_SYSTEMS) + 1,
                steps=steps,
            )
            if folds
            else None
        )

    scores["tfidf"]["grid_search"] = {
        "chosen": {k: str(v) for k, v in search.best_params_.items()},
        "tuning_seconds": tuning,
    }
    bot_on_heldout = runs["bot"][0][: len(heldout)]
    scores["bot"]["errors"] = bot_errors(heldout, bot_on_heldout)
    plot_confusion(heldout, bot_on_heldout, figure)
    plot_reliability(
        {scores[system]["name"]: scores[system]["blind"]["calibration"] for system in ("bot", "lexical", "tfidf")},
        figure.parent / "reliability_blind.png",
        f"Reliability on the blind set (n={len(blind)})",
    )

    train_texts = {e.text for e in train}
    report = {
        "generated": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "quick": args.quick,
        "training_data": {
            "examples": len(train),
            "intents": len({e.intent for e in train}),
            "faq_answers": len({e.label for e in train if e.intent == FAQ}),
        },
        "heldout": {
            "examples": len(heldout),
            "faq_examples": sum(e.intent == FAQ for e in heldout),
            "out_of_scope_examples": sum(e.intent == OUT_OF_SCOPE for e in heldout),
            "also_in_training": sum(e.text in train_texts for e in heldout),
        },
        "blind": set_summary(blind, train_texts),
        "entity_gold": {"sentences": len(gold), "entities": sum(len(s.entities) for s in gold)},
        "systems": scores,
        "cross_validation": cv,
        "targets": targets(scores),
    }
    results_dir.mkdir(parents=True, exist_ok=True)
    # Rounded for reading; the Markdown is formatted from the exact figures.
    (results_dir / "nlu.json").write_text(
        json.dumps(_rounded(report), ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    (results_dir / "nlu.md").write_text(markdown(report), encoding="utf-8")
    log.info("wrote %s, %s and %s", results_dir / "nlu.json", results_dir / "nlu.md", figure)


if __name__ == "__main__":
    main()
