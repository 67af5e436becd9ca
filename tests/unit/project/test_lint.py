"""The code passes ruff's lint and is as its formatter writes it (pyproject.toml's [tool.ruff]), and
bot/ passes mypy ([tool.mypy]), so `make test` and `make test-fast` fail on a lint, format or type
finding as they do on a broken test."""

import os
import subprocess
import sys
from pathlib import Path

from project_helpers import ROOT

# The venv's own command, whichever venv runs the tests.
RUFF = Path(sys.executable).parent / "ruff"
MYPY = Path(sys.executable).parent / "mypy"


def finds_nothing(tool: Path, *arguments: str, timeout: float = 120) -> str:
    """Runs the venv's `tool` at the top of the project; its output, asserting it found nothing."""
    # A venv set up before the tool joined the lock lacks it: a failure that says so, not a skip.
    assert tool.exists(), f"{tool} is missing: install requirements.lock (`make setup`)"
    result = subprocess.run([str(tool), *arguments], cwd=ROOT, capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


# No cache for any of them: a test run leaves nothing behind in the tree.
def test_ruff_finds_nothing():
    finds_nothing(RUFF, "check", "--no-cache", "bot", "tests", "bench")


def test_the_code_is_formatted_as_ruff_formats_it():
    # The diff says what to change; `.venv/bin/ruff format bot tests bench` changes it.
    finds_nothing(RUFF, "format", "--check", "--diff", "--no-cache", "bot", "tests", "bench")


def test_mypy_finds_nothing_in_bot():
    # The files are pyproject's (bot/).
    output = finds_nothing(MYPY, "--cache-dir", os.devnull, timeout=600)
    # Every module of bot/ was checked, not a part of it that a setting left over.
    modules = len(list((ROOT / "bot").rglob("*.py")))
    assert f"no issues found in {modules} source files" in output, output
