"""Start the action server, the Rasa server, the agent inbox and the web chat page together; Ctrl-C stops them.
A server that dies is started again (bot.runtime.supervisor); the others keep serving meanwhile.

`make run` calls this, and so does the end-to-end test, so what is tested is how the
bot is really started.

BOT_WEB_DEMO_LOGIN=1 (which `make run` sets unless told otherwise) lets the page sign
identity tokens for the demo customers; with no BOT_JWT_SECRET it then uses a random key
for this run only. Leave it unset in production: the support site signs the tokens.
"""

from __future__ import annotations

import argparse
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Dict, List, cast

from bot import settings
from bot.channels.webchat import check_can_serve
from bot.runtime.mail_sink import DEMO_MAIL_DIR, DEMO_PORT, sink_command
from bot.runtime.supervisor import Supervised, processes, supervise_forever
from bot.settings.actions import ACTIONS_SECRET, IDENTITY_SECRET

ROOT = Path(__file__).resolve().parents[2]
DEMO_LOGIN_NOTICE = "  デモ用ログイン: 有効 (BOT_WEB_DEMO_LOGIN=1。デモ専用です。本番では設定しないでください)\n"
DEMO_AGENT = "demo"


def demo_environment(rasa_port: int, actions_port: int, smtp_port: int = DEMO_PORT) -> Dict[str, str]:
    """The environment the servers run in: the caller's, with demo defaults filled in."""
    env = dict(os.environ)
    if demo_mail(env):
        env["BOT_SMTP_PORT"] = str(smtp_port)
    env.setdefault("RASA_TELEMETRY_ENABLED", "false")
    # Always the action server started here, whatever the caller's environment says.
    env["ACTION_ENDPOINT_URL"] = f"http://127.0.0.1:{actions_port}/webhook"
    # Only servers started here know these keys unless the operator gives them: the Rasa
    # server's pass to the action server, and the action servers' seal on a verified identity.
    for name in (ACTIONS_SECRET, IDENTITY_SECRET):
        if not env.get(name):
            env[name] = secrets.token_urlsafe(32)
    if demo_login(env) and not env.get("BOT_JWT_SECRET"):
        # Both the page and the action server read it; a key no one else knows, valid until Ctrl-C.
        env["BOT_JWT_SECRET"] = secrets.token_urlsafe(32)
    # Only the inbox started here talks to Rasa's HTTP API; without a token given, nobody else can.
    if not env.get("RASA_API_TOKEN"):
        env["RASA_API_TOKEN"] = secrets.token_urlsafe(32)
    if demo_login(env) and not env.get("BOT_AGENT_TOKENS"):
        env["BOT_AGENT_TOKENS"] = f"{DEMO_AGENT}={secrets.token_urlsafe(24)}"
        # The demo shows the analytics too; supervisors named by the operator go with their own agents.
        env.setdefault("BOT_SUPERVISORS", DEMO_AGENT)
    return env


def demo_mail(env: Dict[str, str]) -> bool:
    """No mail server configured: mails go to the demo's own (bot.runtime.mail_sink)."""
    return not env.get("BOT_SMTP_HOST")


def mail_servers(env: Dict[str, str], mail_dir: Path, senders: int = 1) -> List[Supervised]:
    """The outbox's senders, and the demo's mail server when no other is configured."""
    sending = [
        Supervised(
            f"メール送信{n if senders > 1 else ''}", [sys.executable, "-m", "bot.runtime.mail_sender"], env, cwd=ROOT
        )
        for n in range(1, senders + 1)
    ]
    if not demo_mail(env):
        return sending
    smtp_port = int(env.get("BOT_SMTP_PORT", DEMO_PORT))
    sink = Supervised("デモ用メールサーバー", sink_command(smtp_port, mail_dir), env, cwd=ROOT)
    return [sink, *sending]


def settings_ok(env: Dict[str, str]) -> bool:
    """Every server's settings, checked before any starts: a bad one would otherwise show only as a
    server that dies at start and is started again, over and over."""
    try:
        settings.read_all(settings.EVERY_KIND, env)
    except settings.SettingsError as error:
        print(settings.problems_message("the bot", error), end="", file=sys.stderr)
        return False
    return True


def demo_login(env: Dict[str, str]) -> bool:
    return env.get("BOT_WEB_DEMO_LOGIN") == "1"


def demo_agent_notice(env: Dict[str, str]) -> str:
    """The demo agent's token, printed only when this run made it up (demo mode, no agents configured)."""
    if not demo_login(env) or os.environ.get("BOT_AGENT_TOKENS"):
        return ""
    token = env["BOT_AGENT_TOKENS"].partition("=")[2]
    return f"  担当者受付箱のデモ用トークン (担当者 {DEMO_AGENT}、この実行のあいだだけ有効): {token}\n"


def page_origins(web_host: str, web_port: int) -> List[str]:
    """Where the web chat page is loaded from, as the browser names it."""
    hosts = ["localhost", "127.0.0.1"]
    if web_host not in (*hosts, "0.0.0.0", "::"):
        hosts.append(web_host)
    return [f"http://{host}:{web_port}" for host in hosts]


def actions_command(port: int, host: str = "127.0.0.1") -> List[str]:
    return [
        sys.executable,
        "-m",
        "bot.runtime.actions_server",
        "--actions",
        "bot.actions",
        "--host",
        host,
        "--port",
        str(port),
    ]


def page_command(host: str, port: int, socket_port: int) -> List[str]:
    return [
        sys.executable,
        "-m",
        "bot.channels.webchat",
        "--host",
        host,
        "--port",
        str(port),
        "--socket-port",
        str(socket_port),
    ]


def inbox_command(host: str, port: int, rasa_url: str) -> List[str]:
    return [sys.executable, "-m", "bot.handoff.inbox", "--host", host, "--port", str(port), "--rasa-url", rasa_url]


def rasa_command(model: Path, port: int, origins: List[str], endpoints: Path = ROOT / "endpoints.yml") -> List[str]:
    return [
        sys.executable,
        "-m",
        "bot.runtime.rasa_server",
        "--model",
        str(model),
        "--port",
        str(port),
        "--endpoints",
        str(endpoints),
        "--credentials",
        str(ROOT / "credentials.yml"),
        # The page is served from another port: socket.io's first requests are cross-origin.
        "--cors",
        *origins,
    ]


def servers(args: argparse.Namespace, env: Dict[str, str]) -> List[Supervised]:
    """Every server of `make run`, each started again when it dies."""
    origins = page_origins(args.web_host, args.web_port)
    return [
        Supervised(name, command, env, cwd=ROOT)
        for name, command in (
            ("アクションサーバー", actions_command(args.actions_port)),
            ("担当者受付箱", inbox_command(args.inbox_host, args.inbox_port, f"http://127.0.0.1:{args.port}")),
            ("Webチャットのページ", page_command(args.web_host, args.web_port, args.port)),
            ("Rasaサーバー", rasa_command(args.model, args.port, origins)),
        )
    ] + mail_servers(env, args.mail_dir)


def local_url(host: str, port: int, path: str) -> str:
    """Where this machine reaches a server listening on `host`."""
    if host in ("0.0.0.0", "::", ""):
        host = "127.0.0.1"
    return f"http://{f'[{host}]' if ':' in host else host}:{port}{path}"


def wait_until_up(url: str, processes: List[subprocess.Popen], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for process in processes:
            if process.poll() is not None:
                # The servers are started from argument lists.
                raise RuntimeError(f"{cast(List[str], process.args)[:3]} exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.5)
    raise TimeoutError(f"{url} did not answer within {timeout:.0f} s")


def stop(processes: List[subprocess.Popen]) -> None:
    for process in processes:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
    deadline = time.monotonic() + 15
    for process in processes:
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def stop_on_signals() -> None:
    def on_signal(signum, frame):
        raise KeyboardInterrupt

    # Explicitly: a shell starts background jobs with SIGINT ignored, and Python
    # would then never turn Ctrl-C into KeyboardInterrupt.
    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)


def ready_text(port: int, actions_port: int, web_port: int, inbox_port: int, env: Dict[str, str]) -> str:
    return (
        "\nボットの準備ができました。\n"
        f"  REST: curl -s http://localhost:{port}/webhooks/rest/webhook "
        "-H 'Content-Type: application/json' "
        '-d \'{"sender": "demo", "message": "パスワードを忘れました"}\'\n'
        f"  アクションサーバー: http://localhost:{actions_port}/health\n"
        f"  Webチャット: http://localhost:{web_port}/\n"
        f"  担当者受付箱: http://localhost:{inbox_port}/\n"
        f"{mail_notice(env)}"
        f"{DEMO_LOGIN_NOTICE if demo_login(env) else ''}"
        f"{demo_agent_notice(env)}"
        "  終了するには Ctrl-C を押してください。\n"
    )


def mail_notice(env: Dict[str, str]) -> str:
    if not demo_mail(env):
        return f"  メール: {env['BOT_SMTP_HOST']} に送ります\n"
    return "  メール: デモ用メールサーバーが var/mail に受け取ります (make mails で表示)\n"


def prepare(model: Path) -> bool:
    """Whether the bot can start: a model, and a migrated database with the demo records when empty."""
    if not model.exists():
        print(f"モデルがありません: {model} (make train で作成してください)", file=sys.stderr)
        return False
    (ROOT / "var").mkdir(exist_ok=True)
    subprocess.run([sys.executable, "-m", "bot.store.demo_data"], cwd=ROOT, check=True)
    return True


def main(argv: List[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", type=Path, default=ROOT / "models" / "current.tar.gz")
    parser.add_argument("--port", type=int, default=5005, help="Rasa server port")
    parser.add_argument("--actions-port", type=int, default=5055, help="action server port (loopback only)")
    parser.add_argument("--web-port", type=int, default=8080, help="web chat page port")
    parser.add_argument("--web-host", default="127.0.0.1", help="address the web chat page listens on")
    parser.add_argument("--inbox-port", type=int, default=8081, help="agent inbox port")
    parser.add_argument("--inbox-host", default="127.0.0.1", help="address the agent inbox listens on")
    parser.add_argument(
        "--smtp-port", type=int, default=DEMO_PORT, help="the demo mail server's port (no BOT_SMTP_HOST)"
    )
    parser.add_argument("--mail-dir", type=Path, default=DEMO_MAIL_DIR, help="where the demo mail server keeps mails")
    parser.add_argument("--startup-timeout", type=float, default=180)
    args = parser.parse_args(argv)

    env = demo_environment(args.port, args.actions_port, args.smtp_port)
    if not settings_ok(env) or not prepare(args.model):
        return 2
    try:
        check_can_serve(args.web_host, args.web_port)
    except OSError as error:
        print(f"Webチャットのページを開始できませんでした: {error}", file=sys.stderr)
        return 1
    supervised = servers(args, env)
    for server in supervised:
        server.start()
    stop_on_signals()
    try:
        for url in (
            f"http://127.0.0.1:{args.actions_port}/health",
            local_url(args.inbox_host, args.inbox_port, "/health"),
            local_url(args.web_host, args.web_port, "/config.json"),
            f"http://127.0.0.1:{args.port}/",
        ):
            wait_until_up(url, processes(supervised), args.startup_timeout)
        print(ready_text(args.port, args.actions_port, args.web_port, args.inbox_port, env), flush=True)
        supervise_forever(supervised)
    except KeyboardInterrupt:
        return 0
    except (RuntimeError, TimeoutError) as error:
        print(f"起動に失敗しました: {error}", file=sys.stderr)
        return 1
    finally:
        stop(processes(supervised))
    return 0


if __name__ == "__main__":
    sys.exit(main())
