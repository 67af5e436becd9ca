"""The code passes ruff (pyproject.toml's [tool.ruff]), so `make test` and `make test-fast` fail
on a lint finding as they do on a broken test."""

import subprocess
import sys
from pathlib import Path

from project_helpers import ROOT

# The venv's own command, whichever venv runs the tests.
RUFF = Path(sys.executable).parent / "ruff"


def test_ruff_finds_nothing():
    # A venv set up before ruff joined the lock lacks it: a failure that says so, not a skip.
    assert RUFF.exists(), f"{RUFF} is missing: install requirements.lock (`make setup`)"
    # No cache: a test run leaves nothing behind in the tree.
    result = subprocess.run([str(RUFF), "check", "--no-cache", "bot", "tests", "bench"], cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
