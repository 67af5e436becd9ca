"""The page server and how bot.runtime.serve configures it, without a browser or a model."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request

import jwt
import pytest

from bot.actions.identity import email_from_token
from bot.channels import webchat
from bot.channels.webchat import PageSettings, socket_origin
from bot.runtime import serve
from project_helpers import free_port
from webchat_helpers import serve_in_background

SECRET = "page-test-secret-of-at-least-32-bytes"


@pytest.fixture
def page_server():
    servers = []

    def start(**settings):
        server = serve_in_background("127.0.0.1", free_port(), PageSettings(socket_port=5005, **settings))
        servers.append(server)
        return f"http://127.0.0.1:{server.server_port}"

    yield start
    for server in servers:
        server.shutdown()


def fetch(url: str, body=None, content_type="application/json"):
    data = None if body is None else (body if isinstance(body, bytes) else json.dumps(body).encode())
    request = urllib.request.Request(url, data=data, headers={"Content-Type": content_type})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def test_demo_token_names_the_customer_and_is_accepted_by_the_actions(page_server):
    base = page_server(demo_login=True, jwt_secret=SECRET)
    status, _, body = fetch(f"{base}/demo-token", {"email": "yamada@sample-shoji.co.jp"})
    assert status == 200
    token = json.loads(body)["token"]
    assert email_from_token(token, SECRET) == "yamada@sample-shoji.co.jp"
    # An hour, as a support site's session token might last.
    assert jwt.decode(token, SECRET, algorithms=["HS256"])["exp"] == pytest.approx(time.time() + 3600, abs=60)


@pytest.mark.parametrize(
    "body, content_type, expected",
    [
        ({"email": "kimura@old-client.jp"}, "application/json", 403),  # a real customer, but not a demo one
        ({"email": ["yamada@sample-shoji.co.jp"]}, "application/json", 403),
        (b"not json", "application/json", 403),
        (b"email=yamada@sample-shoji.co.jp", "application/x-www-form-urlencoded", 415),
        (b"x" * 5000, "application/json", 413),
    ],
)
def test_demo_token_is_refused_for_anything_else(page_server, body, content_type, expected):
    base = page_server(demo_login=True, jwt_secret=SECRET)
    status, _, _ = fetch(f"{base}/demo-token", body, content_type)
    assert status == expected


def test_without_demo_mode_there_is_no_demo_login(page_server):
    base = page_server()
    status, _, _ = fetch(f"{base}/demo-token", {"email": "yamada@sample-shoji.co.jp"})
    assert status == 404
    _, _, body = fetch(f"{base}/config.json")
    assert json.loads(body) == {"socketUrl": "http://127.0.0.1:5005", "demoCustomers": []}


def test_demo_mode_needs_a_secret():
    with pytest.raises(ValueError):
        PageSettings(socket_port=5005, demo_login=True)


def test_the_bundle_is_served_without_its_remote_font_and_under_a_strict_policy(page_server):
    base = page_server()
    status, headers, body = fetch(f"{base}/vendor/rasa-webchat.js")
    assert status == 200 and b"window" in body
    assert b"fonts.googleapis.com" not in body
    policy = headers["Content-Security-Policy"]
    assert "script-src 'self';" in policy
    assert "connect-src 'self' http://127.0.0.1:5005 ws://127.0.0.1:5005;" in policy


def test_a_missing_widget_install_says_what_to_run(monkeypatch, tmp_path):
    monkeypatch.setattr(webchat, "BUNDLE", tmp_path / "index.js")
    with pytest.raises(FileNotFoundError, match="make setup"):
        serve_in_background("127.0.0.1", free_port(), PageSettings(socket_port=5005))


def test_only_the_page_files_are_served(page_server):
    base = page_server()
    assert fetch(f"{base}/")[0] == 200
    for path in ("/package.json", "/node_modules/rasa-webchat/package.json", "/../bot/runtime/serve.py", "/index.html"):
        assert fetch(f"{base}{path}")[0] == 404, path


@pytest.mark.parametrize(
    "host, expected",
    [
        ("127.0.0.1:8080", "http://127.0.0.1:5005"),
        ("localhost", "http://localhost:5005"),
        ("[::1]:8080", "http://[::1]:5005"),
        ("evil.example'; script-src *", "http://localhost:5005"),
        (None, "http://localhost:5005"),
    ],
)
def test_socket_origin_follows_the_host_the_page_was_loaded_from(host, expected):
    assert socket_origin(host, 5005) == expected


def test_the_action_servers_keys_are_made_up_for_the_run_unless_given(monkeypatch):
    for name in ("BOT_ACTIONS_SECRET", "BOT_IDENTITY_SECRET"):
        monkeypatch.delenv(name, raising=False)
    first, second = serve.demo_environment(5005, 5055), serve.demo_environment(5005, 5055)
    for name in ("BOT_ACTIONS_SECRET", "BOT_IDENTITY_SECRET"):
        assert len(first[name]) >= 32 and first[name] != second[name]
    assert first["BOT_ACTIONS_SECRET"] != first["BOT_IDENTITY_SECRET"]
    monkeypatch.setenv("BOT_ACTIONS_SECRET", "operator-actions-secret-0123456789abcdef")
    assert serve.demo_environment(5005, 5055)["BOT_ACTIONS_SECRET"] == "operator-actions-secret-0123456789abcdef"


def test_the_demo_agent_made_up_for_the_run_is_a_supervisor_and_an_operators_agents_are_not(monkeypatch):
    monkeypatch.delenv("BOT_AGENT_TOKENS", raising=False)
    monkeypatch.delenv("BOT_SUPERVISORS", raising=False)
    monkeypatch.setenv("BOT_WEB_DEMO_LOGIN", "1")
    env = serve.demo_environment(5005, 5055)
    assert env["BOT_AGENT_TOKENS"].startswith(f"{serve.DEMO_AGENT}=") and env["BOT_SUPERVISORS"] == serve.DEMO_AGENT
    monkeypatch.setenv("BOT_AGENT_TOKENS", "suzuki=0123456789abcdef0123")
    assert "BOT_SUPERVISORS" not in serve.demo_environment(5005, 5055)


def test_demo_login_gets_a_key_of_its_own_run_only_when_none_is_set(monkeypatch):
    monkeypatch.delenv("BOT_JWT_SECRET", raising=False)
    monkeypatch.setenv("BOT_WEB_DEMO_LOGIN", "1")
    first, second = serve.demo_environment(5005, 5055), serve.demo_environment(5005, 5055)
    assert len(first["BOT_JWT_SECRET"]) >= 32 and first["BOT_JWT_SECRET"] != second["BOT_JWT_SECRET"]

    monkeypatch.setenv("BOT_JWT_SECRET", "operator-key")
    assert serve.demo_environment(5005, 5055)["BOT_JWT_SECRET"] == "operator-key"

    monkeypatch.delenv("BOT_JWT_SECRET")
    monkeypatch.delenv("BOT_WEB_DEMO_LOGIN")
    env = serve.demo_environment(5005, 5055)
    assert "BOT_JWT_SECRET" not in env and not serve.demo_login(env)


def test_rasa_accepts_the_page_origins():
    origins = serve.page_origins("127.0.0.1", 8080)
    assert origins == ["http://localhost:8080", "http://127.0.0.1:8080"]
    args = serve.argparse.Namespace(
        model=serve.ROOT / "m.tar.gz",
        port=5005,
        actions_port=5055,
        web_host="127.0.0.1",
        web_port=8080,
        inbox_host="127.0.0.1",
        inbox_port=8081,
        mail_dir=serve.ROOT / "m",
    )
    rasa = next(server for server in serve.servers(args, {}) if server.name == "Rasaサーバー")
    assert rasa.command[rasa.command.index("--cors") + 1 :] == origins


def test_without_a_mail_server_of_its_own_the_demo_keeps_the_mails_in_var_mail(monkeypatch):
    monkeypatch.delenv("BOT_SMTP_HOST", raising=False)
    env = serve.demo_environment(5005, 5055, smtp_port=2525)
    sink, sender = serve.mail_servers(env, serve.ROOT / "var" / "mail")
    assert sink.command[-5:] == [
        "--listen",
        "127.0.0.1:2525",
        "--class",
        "aiosmtpd.handlers.Mailbox",
        str(serve.ROOT / "var" / "mail"),
    ]
    assert sender.command[-2:] == ["-m", "bot.runtime.mail_sender"] and env["BOT_SMTP_PORT"] == "2525"
    assert "make mails" in serve.mail_notice(env)


def test_with_a_mail_server_configured_only_the_sender_runs_and_talks_to_it(monkeypatch):
    monkeypatch.setenv("BOT_SMTP_HOST", "smtp.example.jp")
    monkeypatch.setenv("BOT_SMTP_PORT", "587")
    env = serve.demo_environment(5005, 5055, smtp_port=2525)
    [sender] = serve.mail_servers(env, serve.ROOT / "var" / "mail")
    assert sender.command[-2:] == ["-m", "bot.runtime.mail_sender"] and env["BOT_SMTP_PORT"] == "587"
    assert serve.mail_notice(env) == "  メール: smtp.example.jp に送ります\n"


def test_a_wrong_mail_setting_stops_make_run_before_any_server_starts(capsys):
    env = serve.demo_environment(5005, 5055)
    assert not serve.settings_ok({**env, "BOT_SMTP_SECURITY": "ssl"})
    assert "BOT_SMTP_SECURITY: expected one of none, starttls, tls, got 'ssl'" in capsys.readouterr().err
    assert serve.settings_ok(env)
