"""The Rasa project as Rasa itself checks it: data, understanding, conversations."""

import json

import pytest
import yaml

from conftest import ROOT, run_rasa

MIN_MACRO_F1 = 0.95
MIN_FAQ_ACCURACY = 0.95


def test_training_data_is_valid_without_warnings():
    result = run_rasa("data", "validate", "--fail-on-warnings")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]


@pytest.fixture(scope="module")
def nlu_report(model, tmp_path_factory):
    out = tmp_path_factory.mktemp("nlu")
    result = run_rasa(
        "test", "nlu", "--nlu", "tests/nlu/heldout.yml", "--model", str(model), "--out", str(out)
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return out


def test_heldout_set_covers_every_intent_and_answer_with_five_examples():
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    heldout = yaml.safe_load((ROOT / "tests/nlu/heldout.yml").read_text(encoding="utf-8"))
    counts = {
        entry["intent"]: len([l for l in entry["examples"].splitlines() if l.strip().startswith("- ")])
        for entry in heldout["nlu"]
    }
    answers = {name[len("utter_"):] for name in domain["responses"] if name.startswith("utter_faq/")}
    plain = {i for i in domain["intents"] if i != "faq"}
    assert set(counts) == answers | plain
    assert min(counts.values()) >= 5


def test_heldout_intent_macro_f1(nlu_report):
    report = json.loads((nlu_report / "intent_report.json").read_text())
    f1 = report["macro avg"]["f1-score"]
    print(f"held-out intent macro-F1: {f1:.3f}")
    assert f1 >= MIN_MACRO_F1, {k: v for k, v in report.items() if isinstance(v, dict) and v.get("f1-score", 1) < 1}


def test_heldout_faq_answer_selection_accuracy(nlu_report):
    report = json.loads((nlu_report / "response_selection_report.json").read_text())
    accuracy = report["accuracy"]
    print(f"held-out FAQ answer-selection accuracy: {accuracy:.3f}")
    assert accuracy >= MIN_FAQ_ACCURACY, {
        k: v for k, v in report.items() if isinstance(v, dict) and v.get("f1-score", 1) < 1
    }


def test_conversation_stories_pass(model, tmp_path):
    result = run_rasa(
        "test", "core", "--stories", "tests/stories", "--model", str(model),
        "--out", str(tmp_path), "--fail-on-prediction-errors",
    )
    failed = tmp_path / "failed_test_stories.yml"
    details = failed.read_text(encoding="utf-8") if failed.exists() else result.stdout[-3000:]
    assert result.returncode == 0, details
