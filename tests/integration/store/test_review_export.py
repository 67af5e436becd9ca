"""The export of the review queue's labels: one line per example, read back by Rasa exactly as written,
the project's own texts left out, the command, and `rasa data validate` on a copy of the project with
an export added."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from datetime import datetime

import pytest
from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLReader

from bot.domain.clock import JST
from bot.review_export import DEFAULT_OUT, example_text, export, known_texts, nlu_yaml, training_examples
from bot.store import models as m
from bot.store import review
from bot.store.db import get_engine, session_scope, upgrade_to_head
from project_helpers import RASA, ROOT
from review_seed import PERSONAL_MASKED, RECEIPTS, SERIAL_QUESTION_MASKED, seed

# What customers type that a YAML block or Rasa's example syntax could misread.
AWKWARD = [
    "[ここ](http://example.com) を押しても進みません",
    "# 見出しのつもり",
    "- 箇条書きで失礼します",
    "質問: 更新の期限は?",
    '{"serial": "x"} と表示されます',
    "100% 届きません 😢",
    "タブ\tと\n改行と\u200bゼロ幅",
]


@pytest.mark.parametrize(
    "text, line",
    [
        ("[ここ](http://example.com) を押しても", "［ここ］(http://example.com) を押しても"),
        ("  一行目\n二行目\t三 ", "一行目 二行目 三"),
        ("ゼロ\u200b幅\u0007", "ゼロ幅"),
        ("VBCL-4821-7730-1956-2204 です", "〈シリアル番号〉 です"),
        (" \n ", ""),
    ],
)
def test_an_example_is_one_masked_line_without_entity_syntax(text, line):
    assert example_text(text) == line


def test_the_latest_label_of_a_text_counts_and_the_projects_own_texts_are_left_out():
    labelled = [
        ("領収書をもらえますか", "faq/renewal_after_payment"),
        ("あれです", "out_of_scope"),
        ("領収書をもらえますか", "out_of_scope"),
        ("振込用紙はいつ届きますか", "faq/renewal_slip_arrival"),
        ("  ", "greet"),
    ]
    examples, left_out = training_examples(labelled, known={"振込用紙はいつ届きますか"})
    assert examples == {"out_of_scope": ["あれです", "領収書をもらえますか"]}
    assert left_out == 1


def test_rasa_reads_every_example_back_as_it_was_written():
    examples = {"faq/renewal_how": [example_text(text) for text in AWKWARD], "greet": ["こんにちは"]}
    data = RasaYAMLReader().reads(nlu_yaml(examples))
    read = sorted((message.get("text"), message.get_full_intent()) for message in data.intent_examples)
    assert read == sorted((text, label) for label, texts in examples.items() for text in texts)
    assert all(not message.get("entities") for message in data.intent_examples)
    assert RasaYAMLReader().reads(nlu_yaml({})).intent_examples == []


def test_the_projects_texts_are_known_but_the_exports_own_file_is_not(tmp_path):
    (tmp_path / "reviewed.yml").write_text(nlu_yaml({"greet": ["前の書き出し"]}), encoding="utf-8")
    (tmp_path / "basics.yml").write_text(nlu_yaml({"greet": ["こんにちは", "どうも"]}), encoding="utf-8")
    assert known_texts([tmp_path], leave_out=tmp_path / "reviewed.yml") == {"こんにちは", "どうも"}
    # data/nlu/faq_renewal.yml has it.
    assert "振込用紙はいつ届きますか" in known_texts()


def add_labels(url, rows):
    now = datetime(2026, 11, 22, 12, 0, tzinfo=JST)
    with session_scope(url) as session:
        for number, (text, label) in enumerate(rows, start=1):
            session.add(
                m.ReviewLabel(
                    event_id=number,
                    sender_id="seeded",
                    text=text,
                    read_as=None,
                    label=label,
                    written_at=now,
                    labelled_by="lead",
                    labelled_at=now,
                )
            )


def run_export(url, out):
    env = {**os.environ, "DATABASE_URL": url}
    return subprocess.run(
        [sys.executable, "-m", "bot.review_export", "--out", str(out)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_command_writes_the_file_and_says_what_it_wrote(tmp_path):
    url, out = f"sqlite:///{tmp_path / 'bot.db'}", tmp_path / "nlu" / "reviewed.yml"
    done = run_export(url, out)
    assert done.returncode == 0, done.stderr
    assert "No labelled messages to export yet: nothing written." in done.stdout and not out.exists()

    add_labels(
        url,
        [
            ("領収書をもらえますか", "out_of_scope"),
            ("振込用紙はいつ届きますか", "faq/renewal_slip_arrival"),
            ("あれです", "ignore"),
            ("taro@example.jp に送ってください", "resend_password_mail"),
        ],
    )
    done = run_export(url, out)
    assert done.returncode == 0, done.stderr
    assert f"{out}: 2 examples; 1 already in the project's NLU data, left out." in done.stdout
    assert out.read_text(encoding="utf-8").endswith(
        "nlu:\n- intent: out_of_scope\n  examples: |\n    - 領収書をもらえますか\n\n"
        "- intent: resend_password_mail\n  examples: |\n    - 〈メールアドレス〉 に送ってください\n"
    )
    assert DEFAULT_OUT == ROOT / "data" / "nlu" / "reviewed.yml"


async def test_rasa_data_validate_accepts_an_export_added_to_the_project(tmp_path, monkeypatch):
    monkeypatch.setenv("BOT_NOW", "2026-11-22T12:00")
    url = f"sqlite:///{tmp_path / 'bot.db'}"
    upgrade_to_head(url)
    await seed(url)
    with session_scope(url) as session:
        shown, _ = review.queued_messages(
            session, get_engine(url), datetime(2026, 11, 21).date(), datetime(2026, 11, 22).date()
        )
    ids = {message.text: message.id for message in shown}
    for texts, label in (
        ([SERIAL_QUESTION_MASKED], "check_renewal"),
        (list(RECEIPTS), "out_of_scope"),
        ([PERSONAL_MASKED], "out_of_scope"),
        (["クレジットカードで払えますか"], "faq/renewal_where_to_pay"),
    ):
        with session_scope(url) as session:
            review.label_messages(session, get_engine(url), [ids[text] for text in texts], label, "lead")
    # A text data/nlu has under another label would fail the validation: the export leaves it out.
    add_labels(url, [(text, "faq/renewal_how") for text in AWKWARD] + [("振込用紙はいつ届きますか", "greet")])
    project = tmp_path / "project"
    shutil.copytree(ROOT / "data", project / "data")
    for name in ("domain.yml", "config.yml"):
        shutil.copy(ROOT / name, project / name)
    with session_scope(url) as session:
        text, count, left_out = export(session, known_texts([project / "data" / "nlu", ROOT / "tests" / "nlu"]))
    assert (count, left_out) == (6 + len(AWKWARD), 1)
    (project / "data" / "nlu" / "reviewed.yml").write_text(text, encoding="utf-8")

    done = subprocess.run(
        [
            RASA,
            "data",
            "validate",
            "--fail-on-warnings",
            "--domain",
            "domain.yml",
            "--data",
            "data",
            "--config",
            "config.yml",
        ],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "RASA_TELEMETRY_ENABLED": "false"},
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, output[-3000:]
    assert "reviewed.yml" not in output and "領収書" not in output, output[-3000:]
