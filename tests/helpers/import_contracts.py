"""Running the layers' import contracts (pyproject.toml's [tool.importlinter]) on the project or a
copy of bot/: for test_layers.py and test_service_seam.py, which both check them."""

import os
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
