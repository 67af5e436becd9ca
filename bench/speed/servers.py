"""The systems under test, started on free ports with databases of their own.

The bot starts as `make run` starts it (`python -m bot.runtime.serve`, which also loads the demo
data); the scaled bot as `make run-scaled` starts it (two Rasa and two action servers
behind HAProxy, on a PostgreSQL database and a Redis db of its own); the stock server is
plain `rasa run` with the stock model, a REST channel, its own SQLite tracker store and
no action server.
"""

from __future__ import annotations

import json
import os
import secrets
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Dict

import redis
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url

from .conversations import SLIP_ARRIVAL
from .load import Server
from .processes import Processes, cmdline, descendants, free_port, wait_for
from .training import RASA, ROOT, rasa_env

BOT_TODAY = "2026-11-22"
ACTIONS_SECRET = secrets.token_urlsafe(32)
# The growth test sends 50 messages of one sender within seconds; the bot's per-sender
# limit (20 a minute by default) would cut it off. The limiter still runs, only later.
BOT_RATE_LIMIT_PER_MINUTE = "10000"
# Which of bot.runtime.serve's children is which, by a piece of its command line.
BOT_PROCESS_LABELS = (("bot.runtime.rasa_server", "rasa server"), ("actions", "action server"), ("inbox", "inbox"))


def answers(webhook: str) -> bool:
    """True once the server gives a non-empty answer to a question Rasa answers alone."""
    body = json.dumps({"sender": "cold-start", "message": SLIP_ARRIVAL.text}).encode()
    request = urllib.request.Request(webhook, data=body, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status == 200 and bool(json.loads(response.read()))
    except (OSError, ValueError):
        return False


def http_ok(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status == 200
    except OSError:
        return False


def actions_endpoint(webhook: str):
    """The bot's action server as a Rasa in this process calls it: with the pass its servers share."""
    from rasa.utils.endpoints import EndpointConfig

    return EndpointConfig(webhook, headers={"Authorization": f"Bearer {ACTIONS_SECRET}"})


def start_bot(processes: Processes, workdir: Path, model: Path, timeout: float) -> tuple[Server, float]:
    """The bot and its cold start: seconds from process start to the first answered message."""
    ports = {name: free_port() for name in ("rasa", "actions", "web", "inbox")}
    env = {
        **rasa_env(),
        # Known here, so that the in-process profile's Rasa can call the action server too.
        "BOT_ACTIONS_SECRET": ACTIONS_SECRET,
        "TRACKER_STORE_URL": f"sqlite:///{workdir / 'bot-tracker.db'}",
        "DATABASE_URL": f"sqlite:///{workdir / 'bot.db'}",
        "BOT_TODAY": BOT_TODAY,
        "BOT_WEB_DEMO_LOGIN": "1",  # as `make run` sets it
        "BOT_RATE_LIMIT_PER_MINUTE": BOT_RATE_LIMIT_PER_MINUTE,
    }
    command = [
        sys.executable,
        "-m",
        "bot.runtime.serve",
        "--model",
        str(model),
        "--port",
        str(ports["rasa"]),
        "--actions-port",
        str(ports["actions"]),
        "--web-port",
        str(ports["web"]),
        "--inbox-port",
        str(ports["inbox"]),
        "--startup-timeout",
        str(timeout),
    ]
    log = workdir / "bot.log"
    webhook = f"http://127.0.0.1:{ports['rasa']}/webhooks/rest/webhook"
    start = time.monotonic()
    process = processes.start(command, cwd=ROOT, env=env, log=log)
    wait_for(lambda: answers(webhook), timeout=timeout, process=process, log=log, what="bot: first answer")
    cold_start = time.monotonic() - start
    # FAQ answers need only Rasa; the load also needs the action server (and serve waits for the inbox).
    for url in (f"http://127.0.0.1:{ports['actions']}/health", f"http://127.0.0.1:{ports['inbox']}/health"):
        # wait_for polls it before the loop moves on, so `url` is this round's.
        wait_for(
            lambda: http_ok(url),  # noqa: B023
            timeout=timeout,
            process=process,
            log=log,
            what=url,
        )
    pids = {"serve": process.pid, **_labelled_descendants(process.pid, BOT_PROCESS_LABELS)}
    actions_webhook = f"http://127.0.0.1:{ports['actions']}/webhook"
    return Server("bot", webhook, True, process, pids, actions_webhook), cold_start


SCALED_DATABASE = "bench_speed_scaled"
SCALED_REDIS_URL = "redis://127.0.0.1:6379/14"
SCALED_PROCESS_LABELS = (
    ("bot.runtime.rasa_server", "rasa server"),
    ("bot.runtime.actions_server", "action server"),
    ("haproxy", "haproxy"),
    ("inbox", "inbox"),
)


def start_bot_scaled(processes: Processes, workdir: Path, model: Path, timeout: float) -> tuple[Server, float]:
    """The bot as `make run-scaled` runs it, on a fresh database and Redis db; its cold start as for the bot."""
    admin = os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@localhost:5432/postgres")
    database_url = fresh_database(admin, SCALED_DATABASE)
    redis.Redis.from_url(SCALED_REDIS_URL).flushdb()
    port_names = ("front", "actions", "rasa1", "rasa2", "actions1", "actions2", "web", "inbox")
    ports = {name: free_port() for name in port_names}
    env = {
        **rasa_env(),
        "DATABASE_URL": database_url,
        "TRACKER_STORE_URL": database_url,
        "REDIS_URL": SCALED_REDIS_URL,
        "BOT_TODAY": BOT_TODAY,
        "BOT_WEB_DEMO_LOGIN": "1",
        "BOT_RATE_LIMIT_PER_MINUTE": BOT_RATE_LIMIT_PER_MINUTE,
    }
    command = [
        sys.executable,
        "-m",
        "bot.runtime.serve_scaled",
        "--model",
        str(model),
        "--port",
        str(ports["front"]),
        "--actions-port",
        str(ports["actions"]),
        "--rasa-ports",
        f"{ports['rasa1']},{ports['rasa2']}",
        "--actions-ports",
        f"{ports['actions1']},{ports['actions2']}",
        "--web-port",
        str(ports["web"]),
        "--inbox-port",
        str(ports["inbox"]),
        "--startup-timeout",
        str(timeout),
    ]
    log = workdir / "bot-scaled.log"
    webhook = f"http://127.0.0.1:{ports['front']}/webhooks/rest/webhook"
    start = time.monotonic()
    process = processes.start(command, cwd=ROOT, env=env, log=log)
    wait_for(lambda: answers(webhook), timeout=timeout, process=process, log=log, what="bot-scaled: first answer")
    cold_start = time.monotonic() - start
    for port in (ports["rasa1"], ports["rasa2"]):
        # wait_for polls it before the loop moves on, so `port` is this round's.
        wait_for(
            lambda: http_ok(f"http://127.0.0.1:{port}/"),  # noqa: B023
            timeout=timeout,
            process=process,
            log=log,
            what=f"bot-scaled: Rasa server on {port}",
        )
    wait_for(
        lambda: http_ok(f"http://127.0.0.1:{ports['actions']}/health"),
        timeout=timeout,
        process=process,
        log=log,
        what="bot-scaled: action servers",
    )
    pids = {"serve": process.pid, **_labelled_descendants(process.pid, SCALED_PROCESS_LABELS)}
    return Server("bot-scaled", webhook, True, process, pids), cold_start


def fresh_database(admin_url: str, name: str) -> str:
    """An empty PostgreSQL database `name` on the server of `admin_url` (dropped first if it exists)."""
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT", future=True)
    try:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    finally:
        admin.dispose()
    return make_url(admin_url).set(database=name).render_as_string(hide_password=False)


def start_stock(processes: Processes, workdir: Path, model: Path, timeout: float) -> tuple[Server, float]:
    """The stock server and its cold start, as for the bot."""
    port = free_port()
    endpoints = workdir / "stock-endpoints.yml"
    endpoints.write_text(f"tracker_store:\n  type: SQL\n  url: sqlite:///{workdir / 'stock-tracker.db'}\n")
    credentials = workdir / "stock-credentials.yml"
    credentials.write_text("rest:\n")
    command = [
        RASA,
        "run",
        "--model",
        str(model),
        "--port",
        str(port),
        "--interface",
        "127.0.0.1",
        "--endpoints",
        str(endpoints),
        "--credentials",
        str(credentials),
    ]
    log = workdir / "stock.log"
    webhook = f"http://127.0.0.1:{port}/webhooks/rest/webhook"
    start = time.monotonic()
    # Its own directory: `rasa run` would otherwise pick up the project's endpoints and credentials.
    process = processes.start(command, cwd=workdir, env=rasa_env(), log=log)
    wait_for(lambda: answers(webhook), timeout=timeout, process=process, log=log, what="stock: first answer")
    cold_start = time.monotonic() - start
    pids = {"rasa server": process.pid, **_labelled_descendants(process.pid, ())}
    return Server("stock", webhook, False, process, pids), cold_start


def _labelled_descendants(root: int, labels) -> Dict[str, int]:
    found = {}
    for pid in descendants(root):
        command = cmdline(pid) or ""
        label = next((name for piece, name in labels if piece in command), f"pid {pid} ({command[:40]})")
        # Two servers of a kind (the scaled bot): the second is "rasa server 2".
        numbered, n = label, 1
        while numbered in found:
            n += 1
            numbered = f"{label} {n}"
        found[numbered] = pid
    return found
