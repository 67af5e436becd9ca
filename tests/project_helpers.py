"""Shared helpers of the top-level tests (a module of its own: several conftest.py files exist)."""

import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODEL = ROOT / "models" / "current.tar.gz"
RASA = str(Path(sys.executable).parent / "rasa")


def run_rasa(*args: str, timeout: float = 900) -> subprocess.CompletedProcess:
    return subprocess.run(
        [RASA, *args], cwd=ROOT, capture_output=True, text=True, timeout=timeout
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_bot(model: Path, workdir: Path, **env_overrides: str) -> dict:
    """Both servers and the web page, started the way `make run` starts them, on free ports and their own databases."""

    rasa_port, actions_port, web_port = free_port(), free_port(), free_port()
    env = dict(
        os.environ,
        TRACKER_STORE_URL=f"sqlite:///{workdir / 'tracker.db'}",
        DATABASE_URL=f"sqlite:///{workdir / 'bot.db'}",
        # As `make run` does: the browser tests log in as a demo customer.
        **{"BOT_WEB_DEMO_LOGIN": "1", **env_overrides},
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.serve", "--model", str(model),
         "--port", str(rasa_port), "--actions-port", str(actions_port), "--web-port", str(web_port)],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    lines = []
    deadline = time.monotonic() + 300
    for line in process.stdout:
        lines.append(line)
        if "ボットの準備ができました" in line or time.monotonic() > deadline:
            break
    if "ボットの準備ができました" not in "".join(lines):
        process.kill()
        raise AssertionError("".join(lines[-60:]))
    # Keep reading the servers' output, or a full pipe would stall them.
    threading.Thread(target=lambda: [None for _ in process.stdout], daemon=True).start()
    return {"process": process, "rasa_port": rasa_port, "actions_port": actions_port,
            "web_port": web_port, "database_url": env["DATABASE_URL"]}


def post(port: int, sender: str, message: str, metadata: dict = None) -> list:
    body = {"sender": sender, "message": message}
    if metadata:
        body["metadata"] = metadata
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/webhooks/rest/webhook",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read())
