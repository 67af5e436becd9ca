"""Training runs: the stock-config model (cached by a hash of its inputs) and, on request, the bot's.

Each training gets an empty Rasa cache directory of its own: Rasa otherwise reuses
trained components from `.rasa/cache`, and the measured time would not be a training.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Dict, List

from .processes import Processes

ROOT = Path(__file__).resolve().parents[2]
RASA = str(Path(sys.executable).parent / "rasa")
STOCK_CONFIG = ROOT / "bench" / "configs" / "stock.yml"
BOT_CONFIG = ROOT / "config.yml"
# Must be in .gitignore (bench/.cache/).
CACHE = ROOT / "bench" / ".cache"
MODEL_NAME = "model"


def rasa_env() -> Dict[str, str]:
    return {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2"}


def _inputs(config: Path) -> List[Path]:
    return [config, ROOT / "domain.yml", *sorted(p for p in (ROOT / "data").rglob("*") if p.is_file())]


def inputs_hash(config: Path) -> str:
    import rasa

    digest = hashlib.sha256(f"rasa {rasa.__version__}\n".encode())
    for path in _inputs(config):
        digest.update(f"{path.relative_to(ROOT)}\n".encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def train(config: Path, out_dir: Path, processes: Processes, timeout: float) -> Dict:
    """`rasa train` (NLU and core) from `config` on the project's data into `out_dir`; seconds and size."""
    out_dir.mkdir(parents=True, exist_ok=True)
    CACHE.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="rasa-cache-", dir=CACHE) as rasa_cache:
        command = [
            RASA,
            "train",
            "--config",
            str(config),
            "--domain",
            str(ROOT / "domain.yml"),
            "--data",
            str(ROOT / "data"),
            "--out",
            str(out_dir),
            "--fixed-model-name",
            MODEL_NAME,
        ]
        start = time.monotonic()
        processes.run(
            command,
            cwd=ROOT,
            env={**rasa_env(), "RASA_CACHE_DIRECTORY": rasa_cache},
            log=out_dir / "train.log",
            timeout=timeout,
        )
        seconds = time.monotonic() - start
    archive = out_dir / f"{MODEL_NAME}.tar.gz"
    return {
        "config": str(config.relative_to(ROOT)),
        "archive": str(archive),
        "training_seconds": round(seconds, 1),
        "archive_mib": round(archive.stat().st_size / 2**20, 1),
        "trained_at": time.strftime("%Y-%m-%d %H:%M:%S"),
        "load_average_at_end": round(os.getloadavg()[0], 2),
    }


def stock_model(processes: Processes, timeout: float) -> Dict:
    """The stock model for the current data and domain: from the cache, or trained now and cached."""
    CACHE.mkdir(parents=True, exist_ok=True)
    entry = CACHE / f"stock-{inputs_hash(STOCK_CONFIG)}"
    meta = entry / "training.json"
    if meta.exists():
        return {**json.loads(meta.read_text()), "from_cache": True}
    print(f"training the stock model into {entry} (several minutes) ...", flush=True)
    staging = Path(tempfile.mkdtemp(prefix="stock-training-", dir=CACHE))
    try:
        info = train(STOCK_CONFIG, staging, processes, timeout)
        info["archive"] = str(entry / f"{MODEL_NAME}.tar.gz")
        (staging / "training.json").write_text(json.dumps(info, indent=2))
        # A half-written entry never looks cached: it appears in one rename, complete.
        staging.rename(entry)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return {**info, "from_cache": False}
