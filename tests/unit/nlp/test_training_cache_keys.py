"""Rasa's training cache restores a component's output when its name and configuration are
unchanged; the components whose behaviour is in the bot's code add that code (and the guides) to
the key, so a changed lexicon or guide is trained on, not the tokens or passages of before."""

import shutil

import pytest

from bot.domain import guide_passages as guide_passages_module
from bot.nlp import lexicon, second_opinion
from bot.nlp import rasa_components as components


@pytest.fixture
def changed(monkeypatch, tmp_path):
    def change(module) -> None:
        copy = tmp_path / f"{module.__name__}.py"
        shutil.copy(module.__file__, copy)
        with copy.open("a", encoding="utf-8") as source:
            source.write("\n# one more spelling\n")
        monkeypatch.setattr(module, "__file__", str(copy))

    return change


def test_a_changed_lexicon_changes_the_tokenizers_key(changed):
    before = components.JapaneseTokenizer.fingerprint_addon({})
    changed(lexicon)
    assert components.JapaneseTokenizer.fingerprint_addon({}) != before
    # The guide coverage check learns from the tokens too.
    assert components.GuideCoverageCheck.fingerprint_addon({}) != before


def test_a_changed_check_changes_its_own_key_and_no_other(changed):
    tokenizer, coverage = (
        components.JapaneseTokenizer.fingerprint_addon({}),
        components.GuideCoverageCheck.fingerprint_addon({}),
    )
    before = components.SecondOpinionCheck.fingerprint_addon({})
    changed(second_opinion)
    assert components.SecondOpinionCheck.fingerprint_addon({}) != before
    assert components.JapaneseTokenizer.fingerprint_addon({}) == tokenizer
    assert components.GuideCoverageCheck.fingerprint_addon({}) == coverage


def test_changed_guides_change_the_guide_coverage_key(monkeypatch):
    before = components.GuideCoverageCheck.fingerprint_addon({})
    passages = components.guide_passages()
    edited = [passages[0].__class__(**{**vars(passages[0]), "text": passages[0].text + "。"})] + passages[1:]
    monkeypatch.setattr(components, "guide_passages", lambda: edited)
    assert components.GuideCoverageCheck.fingerprint_addon({}) != before
    assert guide_passages_module.guide_passages()[0].text == passages[0].text
