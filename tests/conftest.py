import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
MODEL = ROOT / "models" / "current.tar.gz"
RASA = str(Path(sys.executable).parent / "rasa")

os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
os.environ.setdefault("ACTION_ENDPOINT_URL", "http://127.0.0.1:5055/webhook")
os.environ.setdefault("TRACKER_STORE_URL", f"sqlite:///{ROOT / 'var' / 'test-tracker.db'}")


@pytest.fixture(scope="session")
def model() -> Path:
    # `make test` trains first; a missing model is a setup error, not a reason to skip.
    assert MODEL.exists(), f"{MODEL} is missing: run the tests with `make test`"
    return MODEL


@pytest.fixture(scope="session")
def responses() -> dict:
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    return {name: variants[0]["text"] for name, variants in domain["responses"].items()}


def run_rasa(*args: str, timeout: float = 900) -> subprocess.CompletedProcess:
    return subprocess.run(
        [RASA, *args], cwd=ROOT, capture_output=True, text=True, timeout=timeout
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
