"""The layers of bot/ (pyproject.toml's [tool.importlinter] contracts) hold, and an import across
them fails the build, naming the contract it breaks."""

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import List

from importlinter.api import read_configuration

from project_helpers import ROOT

# The venv's own command, whichever venv runs the tests.
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def contracts() -> List[dict]:
    return read_configuration(str(ROOT / "pyproject.toml"))["contracts_options"]


def lint_imports(root: Path) -> subprocess.CompletedProcess:
    # PYTHONPATH: the package under `root` is checked, not the one installed in the venv; a wide
    # terminal keeps each contract's name on one line of the report.
    env = {**os.environ, "PYTHONPATH": str(root), "COLUMNS": "300"}
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"], cwd=root, env=env, capture_output=True, text=True, timeout=120
    )


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
