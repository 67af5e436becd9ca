"""Two Rasa servers and two action servers behind one HAProxy address, on PostgreSQL and Redis.

    make run-scaled        (python -m bot.runtime.serve_scaled)

The same pieces a cluster runs (see the README's "Scaling" section and deploy/): the
conversations live in PostgreSQL, Redis locks each conversation while a server handles a
message and carries the web chat's emits and the shared counters between servers, and any
server can take any message. A server that dies is started again, as an orchestrator would.

DATABASE_URL and TRACKER_STORE_URL default to the database `supportbot` on the local
PostgreSQL (created when missing), REDIS_URL to the local Redis.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from pathlib import Path
from typing import Dict, List, Optional
from urllib.parse import unquote, urlsplit

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bot.channels.webchat import check_can_serve
from bot.runtime import serve
from bot.runtime.mail_sink import DEMO_MAIL_DIR, DEMO_PORT
from bot.runtime.supervisor import Supervised, processes, supervise_forever

DEPLOY = serve.ROOT / "deploy"
DEFAULT_DATABASE_URL = "postgresql://postgres@localhost:5432/supportbot"
DEFAULT_REDIS_URL = "redis://localhost:6379/0"


def ensure_database(url: str) -> None:
    """Create the PostgreSQL database of `url` if it does not exist yet."""
    target = make_url(url)
    if target.get_backend_name() != "postgresql":
        return
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT", future=True)
    try:
        with admin.connect() as connection:
            exists = connection.execute(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": target.database}
            ).scalar()
            if not exists:
                connection.exec_driver_sql(f'CREATE DATABASE "{target.database}"')
    finally:
        admin.dispose()


def scaled_environment(args: argparse.Namespace) -> Dict[str, str]:
    os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)
    os.environ.setdefault("TRACKER_STORE_URL", os.environ["DATABASE_URL"])
    os.environ.setdefault("REDIS_URL", DEFAULT_REDIS_URL)
    env = serve.demo_environment(args.port, args.actions_port, args.smtp_port)
    redis = urlsplit(env["REDIS_URL"])
    # The lock store is configured in deploy/endpoints-scaled.yml from these.
    env.update(
        REDIS_HOST=redis.hostname or "localhost",
        REDIS_PORT=str(redis.port or 6379),
        REDIS_DB=(redis.path or "/0").lstrip("/") or "0",
        REDIS_PASSWORD=unquote(redis.password or ""),
    )
    return env


def servers(args: argparse.Namespace, env: Dict[str, str]) -> List[Supervised]:
    origins = serve.page_origins(args.web_host, args.web_port)
    endpoints = DEPLOY / "endpoints-scaled.yml"
    proxy_env = dict(
        env,
        BOT_PORT=str(args.port),
        ACTIONS_PORT=str(args.actions_port),
        RASA1_PORT=str(args.rasa_ports[0]),
        RASA2_PORT=str(args.rasa_ports[1]),
        ACTIONS1_PORT=str(args.actions_ports[0]),
        ACTIONS2_PORT=str(args.actions_ports[1]),
    )
    root = serve.ROOT
    return [
        *(
            Supervised(f"アクションサーバー{n}", serve.actions_command(port), env, cwd=root)
            for n, port in enumerate(args.actions_ports, 1)
        ),
        *(
            Supervised(f"Rasaサーバー{n}", serve.rasa_command(args.model, port, origins, endpoints), env, cwd=root)
            for n, port in enumerate(args.rasa_ports, 1)
        ),
        Supervised(
            "担当者受付箱",
            serve.inbox_command(args.inbox_host, args.inbox_port, f"http://127.0.0.1:{args.port}"),
            env,
            cwd=root,
        ),
        Supervised("Webチャットのページ", serve.page_command(args.web_host, args.web_port, args.port), env, cwd=root),
        Supervised("HAProxy", [args.haproxy, "-db", "-f", str(DEPLOY / "haproxy.cfg")], proxy_env, cwd=root),
        # Two senders, as two action servers: each mail is claimed by one of them.
        *serve.mail_servers(env, args.mail_dir, senders=2),
    ]


def ports(text: str) -> List[int]:
    values = [int(part) for part in text.split(",")]
    if len(values) != 2:
        raise argparse.ArgumentTypeError("two ports, comma-separated")
    return values


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=serve.ROOT / "models" / "current.tar.gz")
    parser.add_argument("--port", type=int, default=5005, help="the one address of the Rasa servers")
    parser.add_argument("--actions-port", type=int, default=5055, help="the one address of the action servers")
    parser.add_argument("--rasa-ports", type=ports, default=[5105, 5205])
    parser.add_argument("--actions-ports", type=ports, default=[5155, 5255])
    parser.add_argument("--web-port", type=int, default=8080)
    parser.add_argument("--web-host", default="127.0.0.1")
    parser.add_argument("--inbox-port", type=int, default=8081)
    parser.add_argument("--inbox-host", default="127.0.0.1")
    parser.add_argument("--smtp-port", type=int, default=DEMO_PORT, help="the demo mail server's port")
    parser.add_argument("--mail-dir", type=Path, default=DEMO_MAIL_DIR)
    parser.add_argument("--haproxy", default=shutil.which("haproxy") or "/usr/sbin/haproxy")
    parser.add_argument("--startup-timeout", type=float, default=300)
    args = parser.parse_args(argv)

    if not Path(args.haproxy).exists():
        print("HAProxy がありません (Debian: apt-get install haproxy)", file=sys.stderr)
        return 2
    env = scaled_environment(args)
    if not serve.settings_ok(env):
        return 2
    ensure_database(env["DATABASE_URL"])
    ensure_database(env["TRACKER_STORE_URL"])
    if not serve.prepare(args.model):
        return 2
    try:
        check_can_serve(args.web_host, args.web_port)
    except OSError as error:
        print(f"Webチャットのページを開始できませんでした: {error}", file=sys.stderr)
        return 1
    supervised = servers(args, env)
    for server in supervised:
        server.start()
    serve.stop_on_signals()
    try:
        health = [f"http://127.0.0.1:{port}/health" for port in args.actions_ports]
        health += [f"http://127.0.0.1:{port}/" for port in args.rasa_ports]
        health += [
            serve.local_url(args.inbox_host, args.inbox_port, "/health"),
            f"http://127.0.0.1:{args.port}/",
            serve.local_url(args.web_host, args.web_port, "/config.json"),
            f"http://127.0.0.1:{args.actions_port}/health",
        ]
        for url in health:
            serve.wait_until_up(url, processes(supervised), args.startup_timeout)
        print(serve.ready_text(args.port, args.actions_port, args.web_port, args.inbox_port, env), flush=True)
        supervise_forever(supervised)
    except KeyboardInterrupt:
        return 0
    except (RuntimeError, TimeoutError) as error:
        print(f"起動に失敗しました: {error}", file=sys.stderr)
        return 1
    finally:
        serve.stop(processes(supervised))
    return 0


if __name__ == "__main__":
    sys.exit(main())
