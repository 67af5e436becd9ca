"""The Rasa project as Rasa itself checks it: data, understanding, conversations."""

import json
import re

import pytest
import yaml

from bot.channels.line_messages import MAX_LABEL_LENGTH
from project_helpers import ROOT, run_rasa

MIN_MACRO_F1 = 0.95
MIN_FAQ_ACCURACY = 0.95


# Rasa merges the retrieval intent it finds in data/nlu into the domain, which
# declares it too, and reports that as a duplicate; it is not a finding about our data.
KNOWN_RASA_WARNING = "duplicated intents have been found across multiple domain files: faq"
UNUSED_UTTERANCE = re.compile(r"The utterance '(utter_\w+)' is not used in any story or rule")
# Sent by buttons only (the satisfaction rating): examples would teach the classifier to read a
# customer's "2" (years, in the renewal form) as a rating.
PAYLOAD_ONLY = "rate_answer"
PAYLOAD_ONLY_INTENT = (
    f"The intent '{PAYLOAD_ONLY}' is listed in the domain file, but is not found in the NLU training data"
)


def responses_sent_by_code() -> set:
    """Responses that code says by name (custom actions, the guards, the mails, the reminder job, the inbox):
    Rasa's validator only looks at stories and rules, so it calls these unused."""
    sources = (ROOT / "bot").rglob("*.py")
    code = "\n".join(p.read_text(encoding="utf-8") for p in sources)
    return set(re.findall(r'"(utter_\w+)"', code))


def test_training_data_is_valid_without_warnings():
    result = run_rasa("data", "validate", "--fail-on-warnings")
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-3000:]
    sent_by_code = responses_sent_by_code()
    warnings = []
    for line in output.splitlines():
        if "UserWarning" not in line or KNOWN_RASA_WARNING in line or PAYLOAD_ONLY_INTENT in line:
            continue
        unused = UNUSED_UTTERANCE.search(line)
        # Forms ask by naming convention; the suggestion titles (bot/actions/handoff.py) and the LINE
        # rich menu's tiles (bot/channels/line_rich_menu.py) are read by name.
        if unused and (
            unused.group(1) in sent_by_code or unused.group(1).startswith(("utter_ask_", "utter_title_", "utter_menu_"))
        ):
            continue
        warnings.append(line)
    assert warnings == []


def test_every_guide_answer_has_a_suggestion_title_that_fits_a_line_button():
    responses = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))["responses"]
    answers = {name[len("utter_faq/") :] for name in responses if name.startswith("utter_faq/")}
    titles = {
        name[len("utter_title_") :]: variants[0]["text"]
        for name, variants in responses.items()
        if name.startswith("utter_title_")
    }
    assert set(titles) == answers
    assert {key: title for key, title in titles.items() if len(title) > MAX_LABEL_LENGTH} == {}


@pytest.fixture(scope="module")
def nlu_report(model, tmp_path_factory):
    out = tmp_path_factory.mktemp("nlu")
    result = run_rasa("test", "nlu", "--nlu", "tests/nlu", "--model", str(model), "--out", str(out))
    assert result.returncode == 0, result.stderr[-3000:]
    return out


def test_heldout_set_covers_every_intent_and_answer_with_five_examples():
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    counts = {
        entry["intent"]: len([line for line in entry["examples"].splitlines() if line.strip().startswith("- ")])
        for path in (ROOT / "tests" / "nlu").glob("*.yml")
        for entry in yaml.safe_load(path.read_text(encoding="utf-8"))["nlu"]
    }
    answers = {name[len("utter_") :] for name in domain["responses"] if name.startswith("utter_faq/")}
    plain = {i for i in domain["intents"] if i not in ("faq", PAYLOAD_ONLY)}
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
    # --e2e makes Rasa check each user turn's intent, FAQ answer key and entities too,
    # not only the bot's actions.
    result = run_rasa(
        "test",
        "core",
        "--e2e",
        "--stories",
        "tests/stories",
        "--model",
        str(model),
        "--out",
        str(tmp_path),
        "--fail-on-prediction-errors",
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-3000:]
    # Rasa reads only files named test_*.yml as test stories; make sure all of ours ran.
    written = sum(
        len(yaml.safe_load(path.read_text(encoding="utf-8"))["stories"])
        for path in (ROOT / "tests" / "stories").glob("*.yml")
    )
    assert written >= 30
    assert f"Evaluating {written} stories" in output
