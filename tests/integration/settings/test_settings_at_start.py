"""Each process of the bot stops at start on a bad setting, naming it, before it serves anything."""

import os
import subprocess
import sys

import pytest

from bot import review_export
from bot.channels import line_rich_menu, webchat
from bot.handoff import inbox
from bot.runtime import actions_server, mail_sender, rasa_server, reminders, serve, serve_scaled
from bot.store import db, demo_data, migrate, purge
from project_helpers import ROOT, free_port

ACTIONS_SECRET = "actions-secret-0123456789abcdefghijkl"
IDENTITY_SECRET = "identity-secret-0123456789abcdefghijk"


def never(*args, **kwargs):
    raise AssertionError("started to serve despite a bad setting")


def stopped(capsys, run) -> str:
    """What the process said on stderr when it refused to start; it must exit with 2."""
    with pytest.raises(SystemExit) as stop:
        run()
    assert stop.value.code == 2
    return capsys.readouterr().err


def test_the_action_server(monkeypatch, capsys):
    monkeypatch.setenv("BOT_ACTIONS_SECRET", ACTIONS_SECRET)
    monkeypatch.setenv("BOT_IDENTITY_SECRET", IDENTITY_SECRET)
    monkeypatch.setenv("BOT_SUPPORT_HOURS", "9-17")
    monkeypatch.setattr(actions_server, "rasa_sdk_main", never)
    err = stopped(capsys, lambda: actions_server.main(["--actions", "bot.actions", "--port", "9"]))
    assert "action server not started" in err
    assert "BOT_SUPPORT_HOURS: expected HH:MM-HH:MM, got '9-17'" in err


def test_the_rasa_server(monkeypatch, capsys):
    monkeypatch.setenv("BOT_MAX_CONCURRENT_MESSAGES", "many")
    monkeypatch.setattr(rasa_server, "install_hooks", never)
    monkeypatch.setattr(rasa_server, "rasa_main", never)
    err = stopped(capsys, rasa_server.main)
    assert "Rasa server not started" in err
    assert "BOT_MAX_CONCURRENT_MESSAGES: expected a whole number of at least 1, got 'many'" in err


def test_the_inbox(monkeypatch, capsys):
    monkeypatch.setenv("BOT_NOW", "9-17")
    monkeypatch.setattr(inbox.web, "run_app", never)
    err = stopped(capsys, lambda: inbox.main(["--port", "9"]))
    assert "inbox not started" in err
    assert "BOT_NOW: expected YYYY-MM-DDTHH:MM (Japan time), got '9-17'" in err


def test_the_web_chat_page(monkeypatch, capsys):
    monkeypatch.setenv("BOT_WEB_DEMO_LOGIN", "yes")
    monkeypatch.setattr(webchat, "make_server", never)
    err = stopped(capsys, lambda: webchat.main(["--port", "9"]))
    assert "web chat page not started" in err
    assert "BOT_WEB_DEMO_LOGIN: expected 1 (on) or 0 (off), got 'yes'" in err


def test_the_reminders(monkeypatch, capsys):
    monkeypatch.setenv("LINE_API_BASE", "api.line.me")
    monkeypatch.setattr(db, "upgrade_to_head", never)
    monkeypatch.setattr(reminders, "run_once", never)
    err = stopped(capsys, lambda: reminders.main([]))
    assert "reminders not started" in err
    assert "LINE_API_BASE: expected an http:// or https:// URL, got 'api.line.me'" in err


def test_the_mail_sender(monkeypatch, capsys):
    monkeypatch.setenv("BOT_SMTP_PORT", "smtp")
    monkeypatch.setattr(db, "upgrade_to_head", never)
    monkeypatch.setattr(mail_sender, "MailSender", never)
    err = stopped(capsys, lambda: mail_sender.main(["--once"]))
    assert "mail sender not started" in err
    assert "BOT_SMTP_PORT: expected a port number from 1 to 65535, got 'smtp'" in err


def test_the_rich_menu_setup(monkeypatch, capsys):
    monkeypatch.setenv("LINE_CHANNEL_ACCESS_TOKEN", "access-token")
    monkeypatch.setenv("LINE_DATA_API_BASE", "api-data.line.me")
    monkeypatch.setattr(line_rich_menu, "setup", never)
    err = stopped(capsys, lambda: line_rich_menu.main([]))
    assert "LINE rich menu setup not started" in err
    assert "LINE_DATA_API_BASE: expected an http:// or https:// URL, got 'api-data.line.me'" in err


def test_make_run_checks_every_servers_settings_before_starting_any(monkeypatch, capsys, tmp_path):
    monkeypatch.setenv("BOT_SUPPORT_HOURS", "9-17")
    monkeypatch.setattr(serve, "prepare", never)
    monkeypatch.setattr(serve.Supervised, "start", never)
    assert serve.main(["--model", str(tmp_path / "model.tar.gz")]) == 2
    err = capsys.readouterr().err
    assert "the bot not started" in err
    assert "BOT_SUPPORT_HOURS: expected HH:MM-HH:MM, got '9-17'" in err


def test_make_run_scaled_checks_every_servers_settings_before_starting_any(monkeypatch, capsys, tmp_path):
    # Set here, so that the defaults serve_scaled fills in go with the test.
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'bot.db'}")
    monkeypatch.setenv("TRACKER_STORE_URL", f"sqlite:///{tmp_path / 'tracker.db'}")
    monkeypatch.setenv("REDIS_URL", "redis://localhost:6379/15")
    monkeypatch.setenv("BOT_RATE_LIMIT_PER_MINUTE", "0")
    monkeypatch.setattr(serve_scaled, "ensure_database", never)
    monkeypatch.setattr(serve, "prepare", never)
    monkeypatch.setattr(serve_scaled.Supervised, "start", never)
    argv = ["--model", str(tmp_path / "model.tar.gz"), "--haproxy", "/bin/sh"]
    assert serve_scaled.main(argv) == 2
    err = capsys.readouterr().err
    assert "the bot not started" in err
    assert "BOT_RATE_LIMIT_PER_MINUTE: expected a whole number of at least 1, got '0'" in err


def test_the_action_server_process_exits_before_listening(tmp_path):
    port = free_port()
    env = {
        **os.environ,
        "BOT_ACTIONS_SECRET": ACTIONS_SECRET,
        "BOT_IDENTITY_SECRET": IDENTITY_SECRET,
        "BOT_SUPPORT_HOURS": "9-17",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'bot.db'}",
    }
    command = [sys.executable, "-m", "bot.runtime.actions_server", "--actions", "bot.actions", "--port", str(port)]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert "BOT_SUPPORT_HOURS: expected HH:MM-HH:MM, got '9-17'" in done.stderr
    assert not (tmp_path / "bot.db").exists()


@pytest.mark.parametrize(
    "main",
    [
        lambda: purge.main(["--days", "30"]),
        lambda: demo_data.main([]),
        migrate.main,
        lambda: review_export.main([]),
    ],
    ids=["purge", "demo data", "migration", "review export"],
)
def test_the_shell_commands_on_the_database(monkeypatch, capsys, main):
    monkeypatch.setenv("DATABASE_URL", "var/bot.db")
    for module in (db, demo_data, migrate):
        monkeypatch.setattr(module, "upgrade_to_head", never)
    err = stopped(capsys, main)
    assert "not started" in err
    assert "DATABASE_URL: expected sqlite:///<file> or postgresql://" in err
