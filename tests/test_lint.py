"""The code passes ruff (pyproject.toml's [tool.ruff]) and bot/ passes mypy ([tool.mypy]), so
`make test` and `make test-fast` fail on a lint or type finding as they do on a broken test."""

import os
import subprocess
import sys
from pathlib import Path

from project_helpers import ROOT

# The venv's own command, whichever venv runs the tests.
RUFF = Path(sys.executable).parent / "ruff"
MYPY = Path(sys.executable).parent / "mypy"


def test_ruff_finds_nothing():
    # A venv set up before ruff joined the lock lacks it: a failure that says so, not a skip.
    assert RUFF.exists(), f"{RUFF} is missing: install requirements.lock (`make setup`)"
    # No cache: a test run leaves nothing behind in the tree.
    result = subprocess.run([str(RUFF), "check", "--no-cache", "bot", "tests", "bench"], cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_finds_nothing_in_bot():
    # A venv set up before mypy joined the lock lacks it: a failure that says so, not a skip.
    assert MYPY.exists(), f"{MYPY} is missing: install requirements.lock (`make setup`)"
    # The files are pyproject's (bot/); no cache, so that a test run leaves nothing in the tree.
    result = subprocess.run([str(MYPY), "--cache-dir", os.devnull], cwd=ROOT,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    # Every module of bot/ was checked, not a part of it that a setting left over.
    modules = len(list((ROOT / "bot").rglob("*.py")))
    assert f"no issues found in {modules} source files" in result.stdout, result.stdout
