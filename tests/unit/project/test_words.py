"""Every word a customer reads is a response of domain.yml: no module of bot/ holds Japanese text
but those allowed below, each for a reason that is not "a reply to a customer".

A new Japanese string in any other module fails here: put the words in domain.yml and say the
response (an action's dispatcher, the agent's response generator, or bot.services.responses where
no agent is at hand)."""

import ast
import sys
from pathlib import Path
from typing import List, Tuple

import pytest

from project_helpers import ROOT

BOT = ROOT / "bot"
# Hiragana, katakana, CJK ideographs and full-width forms: any of them makes a string Japanese text.
JAPANESE = ("\u3040", "\u30ff"), ("\u3400", "\u9fff"), ("\uff01", "\uff5e")

# Modules whose Japanese strings are no reply to a customer, and why.
ALLOWED = {
    # What the bot reads, not what it says: words and patterns of the customer's language.
    "bot/nlp/lexicon.py": "vocabulary the language layer recognises",
    "bot/nlp/dates.py": "date words the parser looks for",
    "bot/nlp/named_days.py": "day words the parser reads (昨日, 3日前, 月曜)",
    "bot/nlp/questions.py": "patterns that split a message into questions",
    "bot/nlp/guide_coverage.py": "UniDic part-of-speech tags",
    "bot/nlp/tokenizer.py": "UniDic part-of-speech tags",
    "bot/domain/normalize.py": "characters that normalisation folds",
    "bot/domain/guide_passages.py": "bullet marks of the guides' text",
    "bot/domain/vocabulary.py": "product and payment names, stored in the data and matched in messages",
    "bot/domain/asking_for_a_person.py": "how customers ask for a person (担当者と話したい)",
    "bot/domain/not_knowing.py": "how customers say they do not know (わからない)",
    "bot/support/contact.py": "words of a CC request (追加, 削除) and of a name the customer gives",
    "bot/support/renewal.py": "year words of a renewal period (一年, 3年間)",
    "bot/store/review_rules.py": "what the review queue looks for in messages (違う) and its masks for agents",
    # How values are written inside responses: filled into the words of domain.yml, never said alone.
    "bot/domain/phrasing.py": "dates and weekdays (2026年11月22日, 11月23日(月)09:00)",
    "bot/actions/cc.py": "the bullet (・) of the CC list filled into utter_cc_list and utter_cc_added",
    # Data: values stored in the database and its constraints, as the migrations created them.
    "bot/store/models.py": "ticket categories and payment names, stored values",
    "bot/store/migrations/versions/0001_initial_schema.py": "payment names in check constraints",
    "bot/store/migrations/versions/0002_tickets.py": "ticket categories in a check constraint",
    "bot/store/migrations/versions/0008_ticket_last_question.py": "the summary line 0008 moves into its column",
    "bot/store/demo_data.py": "demo companies and people",
    # For agents and supervisors, not customers.
    "bot/actions/handoff.py": "不明: the ticket's identifier when the customer does not know it",
    "bot/support/triage.py": "the ticket's categories, reasons and summary, read by agents",
    "bot/store/analytics.py": "the analytics' labels and date errors, read by supervisors",
    "bot/handoff/inbox.py": "the inbox API's errors for agents (what it sends customers is domain.yml's)",
    "bot/handoff/review_labels.py": "the review queue's label names, read by supervisors",
    "bot/review_export.py": "brackets of the export's comments",
    # For the operator, in a terminal or a log.
    "bot/log_privacy.py": "the masks of personal data in logs",
    "bot/runtime/serve.py": "make run's start-up messages",
    "bot/runtime/serve_scaled.py": "make run-scaled's start-up messages",
    "bot/runtime/supervisor.py": "restart messages of make run",
    "bot/runtime/mail_sender.py": "the sender's counts",
    "bot/runtime/mail_sink.py": "make mails' headings",
    "bot/runtime/reminders.py": "make remind's counts",
    "bot/store/purge.py": "make purge's counts",
    "bot/settings/mail.py": "an example in a settings error",
    # The demo page: the names of the demo customers to choose from, and the page server's errors.
    "bot/channels/webchat.py": "the demo login's customer names and the page server's start-up errors",
}


def is_japanese(text: str) -> bool:
    return any(low <= char <= high for char in text for low, high in JAPANESE)


def japanese_strings(source: str) -> List[Tuple[int, str]]:
    """The Japanese string literals of a module, f-strings' parts included; docstrings are not text it says."""
    tree = ast.parse(source)
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return sorted(
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
        and is_japanese(node.value)
    )


def modules_with_japanese() -> dict:
    found = {}
    for path in sorted(BOT.rglob("*.py")):
        strings = japanese_strings(path.read_text(encoding="utf-8"))
        if strings:
            found[path.relative_to(ROOT).as_posix()] = strings
    return found


def test_no_module_holds_words_for_customers():
    found = modules_with_japanese()
    unexpected = {module: strings[:3] for module, strings in found.items() if module not in ALLOWED}
    assert unexpected == {}, "Japanese text outside domain.yml: make it a response (or allow it here, with why)"


def test_every_allowed_module_still_needs_it():
    found = modules_with_japanese()
    assert [module for module in ALLOWED if module not in found] == []


@pytest.mark.parametrize(
    "source, found",
    [
        ('SORRY = "申し訳ありません。もう一度お送りください。"\n', [(1, "申し訳ありません。もう一度お送りください。")]),
        ('def f(n):\n    return f"{n}件をお送りしました"\n', [(2, "件をお送りしました")]),
        ('def f():\n    """お客さまに送らない説明"""\n    return "ok"  # 日本語のコメント\n', []),
        ('LABEL = "ＯＫ"\n', [(1, "ＯＫ")]),
    ],
)
def test_a_reply_constant_is_found_and_a_docstring_or_comment_is_not(source, found):
    assert japanese_strings(source) == found


def test_a_reply_constant_added_to_a_module_fails_the_check(tmp_path, monkeypatch):
    module = tmp_path / "bot" / "channels" / "new_channel.py"
    module.parent.mkdir(parents=True)
    module.write_text('PLEASE_WAIT = "少々お待ちください。"\n', encoding="utf-8")
    monkeypatch.setattr(sys.modules[__name__], "BOT", tmp_path / "bot")
    monkeypatch.setattr(sys.modules[__name__], "ROOT", Path(tmp_path))
    with pytest.raises(AssertionError, match="Japanese text outside domain.yml"):
        test_no_module_holds_words_for_customers()
