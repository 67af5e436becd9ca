"""The layers of bot/ (pyproject.toml's [tool.importlinter] contracts) hold, and an import across
them fails the build, naming the contract it breaks."""

import shutil

from import_contracts import contracts, lint_imports
from project_helpers import ROOT


def test_every_contract_is_kept():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    for contract in contracts():
        assert f"{contract['name']} KEPT" in result.stdout


def test_the_rules_importing_the_language_layer_break_the_build(tmp_path):
    shutil.copytree(ROOT / "bot", tmp_path / "bot", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    rules = tmp_path / "bot" / "support" / "triage.py"
    rules.write_text(rules.read_text(encoding="utf-8") + "import bot.nlp.pipeline\n", encoding="utf-8")

    result = lint_imports(tmp_path)

    assert result.returncode == 1, result.stdout + result.stderr
    layers = next(c["name"] for c in contracts() if c["type"] == "layers")
    plain_python = next(c["name"] for c in contracts() if "bot.support" in c.get("source_modules", ()))
    assert f"{layers} BROKEN" in result.stdout
    assert "bot.support is not allowed to import bot.nlp" in result.stdout
    assert "bot.support.triage -> bot.nlp.pipeline" in result.stdout
    # Through bot.nlp the rules would load spaCy.
    assert f"{plain_python} BROKEN" in result.stdout
    assert "bot.support is not allowed to import spacy" in result.stdout
