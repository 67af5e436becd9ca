"""Shared helpers of the tests of every kind (a module of its own: several conftest.py files exist)."""

import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]  # tests/helpers/ -> the project
MODEL = ROOT / "models" / "current.tar.gz"
RASA = str(Path(sys.executable).parent / "rasa")


def unavailable(message: str) -> None:
    """A service the test needs is not there: skipped on a developer's machine, a failure under CI=true."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


def run_rasa(*args: str, timeout: float = 900) -> subprocess.CompletedProcess:
    return subprocess.run([RASA, *args], cwd=ROOT, capture_output=True, text=True, timeout=timeout)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# The end-to-end bot's secrets: known to the tests, so they can check none of them is ever logged.
JWT_SECRET = "e2e-identity-token-secret"
RASA_API_TOKEN = "e2e-rasa-api-token-0123456789"
ACTIONS_SECRET = "e2e-actions-secret-0123456789abcdefghijk"
IDENTITY_SECRET = "e2e-identity-proof-secret-0123456789abcd"
METRICS_TOKEN = "e2e-metrics-token-0123456789"
# Two agents of the inbox, as an operator would list them in BOT_AGENT_TOKENS.
AGENT_TOKENS = {"agent-a": "agent-a-token-0123456789", "agent-b": "agent-b-token-0123456789"}


def start_bot(model: Path, workdir: Path, **env_overrides: str) -> dict:
    """All the servers, started the way `make run` starts them, on free ports and their own databases."""

    rasa_port, actions_port, web_port, inbox_port = free_port(), free_port(), free_port(), free_port()
    mail_dir = workdir / "mail"
    env = dict(
        os.environ,
        # The demo's mail server receives what the bot sends; read at once, so tests wait little.
        BOT_MAIL_POLL_SECONDS="0.3",
        BOT_METRICS_TOKEN=METRICS_TOKEN,
        TRACKER_STORE_URL=f"sqlite:///{workdir / 'tracker.db'}",
        DATABASE_URL=f"sqlite:///{workdir / 'bot.db'}",
        BOT_AGENT_TOKENS=",".join(f"{name}={token}" for name, token in AGENT_TOKENS.items()),
        # As `make run` does: the browser tests log in as a demo customer.
        **{"BOT_WEB_DEMO_LOGIN": "1", **env_overrides},
    )
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "bot.runtime.serve",
            "--model",
            str(model),
            "--port",
            str(rasa_port),
            "--actions-port",
            str(actions_port),
            "--web-port",
            str(web_port),
            "--inbox-port",
            str(inbox_port),
            "--smtp-port",
            str(free_port()),
            "--mail-dir",
            str(mail_dir),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
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
    # Keep reading the servers' output, or a full pipe would stall them; tests may read it.
    threading.Thread(target=lambda: lines.extend(process.stdout), daemon=True).start()
    return {
        "process": process,
        "rasa_port": rasa_port,
        "actions_port": actions_port,
        "web_port": web_port,
        "inbox_port": inbox_port,
        "database_url": env["DATABASE_URL"],
        "mail_dir": mail_dir,
        "log": lines,
    }


def mails_to(bot: dict, address: str, count: int = 1, timeout: float = 20.0) -> list:
    """What the bot's mail server received for `address`, once `count` mails came or the time ran out."""
    from bot.runtime.mail_sink import received

    deadline = time.monotonic() + timeout
    while True:
        mails = [mail for mail in received(bot["mail_dir"]) if mail["To"] == address]
        if len(mails) >= count or time.monotonic() > deadline:
            return mails
        time.sleep(0.2)


def body(mail) -> str:
    return mail.get_body(("plain",)).get_content()


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


def fresh_sender(kind: str) -> str:
    """A conversation id nobody has used: each test starts a conversation of its own."""
    return f"e2e-{kind}-{uuid.uuid4().hex[:12]}"


def texts(replies: list) -> list:
    return [r.get("text") for r in replies]


def named(replies: list, responses: dict) -> list:
    """The replies by response name where a reply is a response's text verbatim, for readable failures."""
    by_text = {text: name for name, text in responses.items()}
    return [by_text.get(text, text) for text in texts(replies)]


def inbox(bot: dict, method: str, path: str, agent: str = "agent-a", body: dict = None):
    """Call the running bot's agent inbox API as `agent` (None: without a token); (status, JSON body)."""
    headers = {"Content-Type": "application/json"}
    if agent:
        headers["Authorization"] = f"Bearer {AGENT_TOKENS[agent]}"
    request = urllib.request.Request(
        f"http://127.0.0.1:{bot['inbox_port']}{path}",
        method=method,
        headers=headers,
        data=json.dumps(body).encode() if body is not None else (b"" if method == "POST" else None),
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def pids_of(module: str, port: int) -> list:
    """The live processes of one server (`python -m <module> ... --port <port>`), found by their command line."""
    found = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as cmdline:
                args = cmdline.read().decode(errors="replace").split("\0")
        except OSError:
            continue
        if module in args and str(port) in args and not is_dead(int(pid)):
            found.append(int(pid))
    return found


def is_dead(pid: int) -> bool:
    """Gone, or a zombie its parent has not reaped whose threads have all exited.

    The main thread turns zombie first; the others (TensorFlow's, the encoder's) still hold
    the process's files for a while, the listening socket included, which goes on accepting
    connections and then resets them: HAProxy logged such a request as 502, `SH--`.
    """
    try:
        with open(f"/proc/{pid}/stat") as stat:
            zombie = stat.read().rsplit(")", 1)[1].split()[0] == "Z"
        return zombie and os.listdir(f"/proc/{pid}/task") == [str(pid)]
    except FileNotFoundError:
        return True


def wait_until_dead(pid: int, timeout: float = 10) -> None:
    """Until a killed process has let go of its sockets.

    os.kill returns before the process is gone: a request in that instant reaches a socket
    that still accepts and is then reset (HAProxy answers it with 502, as it would any
    request a server dies under). Only what comes after the crash is the test's business.
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if is_dead(pid):
            return
        time.sleep(0.05)
    raise AssertionError(f"process {pid} still running {timeout} s after SIGKILL")
