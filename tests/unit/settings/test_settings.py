"""bot.settings: every variable read and checked at start, each bad one named with what was
expected."""

import re
from datetime import time
from pathlib import Path

import pytest

from bot import settings
from bot.settings import (
    ActionServerSettings,
    ActionsSettings,
    CoreSettings,
    GuardSettings,
    InboxSettings,
    LineSettings,
    MailSettings,
    RasaSettings,
    SettingsError,
    WebPageSettings,
)
from bot.support.business_hours import SupportHours
from project_helpers import ROOT

ACTIONS_SECRET = "actions-secret-0123456789abcdefghijkl"
IDENTITY_SECRET = "identity-secret-0123456789abcdefghijk"
# What every process may start with: the action server's two secrets are the only ones required.
STARTABLE = {"BOT_ACTIONS_SECRET": ACTIONS_SECRET, "BOT_IDENTITY_SECRET": IDENTITY_SECRET}

# One bad value of every variable; those marked secret must not be repeated in the message.
BAD = {
    "BOT_TODAY": ("22/11/2026", False),
    "BOT_NOW": ("tomorrow at ten", False),
    "DATABASE_URL": ("mysql://bot:hunter2@db/bot", True),
    "TRACKER_STORE_URL": ("var/tracker.db", True),
    "REDIS_URL": ("localhost:6379", True),
    "BOT_METRICS_TOKEN": ("metrics token", True),
    "LOG_LEVEL": ("debug", False),
    "ACTION_ENDPOINT_URL": ("127.0.0.1:5055/webhook", False),
    "RASA_TELEMETRY_ENABLED": ("no", False),
    "RASA_API_TOKEN": ("rasa-api-token\n", True),
    "BOT_MAX_MESSAGE_CHARS": ("0", False),
    "BOT_RATE_LIMIT_PER_MINUTE": ("twenty", False),
    "BOT_ACTION_TIMEOUT_SECONDS": ("-1", False),
    "BOT_MAX_CONCURRENT_MESSAGES": ("2.5", False),
    "BOT_ACTIONS_SECRET": ("short-secret", True),
    "BOT_IDENTITY_SECRET": ("short-secret", True),
    "BOT_JWT_SECRET": ("a key with spaces", True),
    "BOT_ACCOUNT_GRACE_DAYS": ("-1", False),
    "BOT_SUPPORT_HOURS": ("9-17", False),
    "BOT_AGENT_TOKENS": ("suzuki:suzuki-token-0123456789", True),
    "BOT_SUPERVISORS": ("sato", False),
    "BOT_WEB_DEMO_LOGIN": ("yes", False),
    "BOT_SMTP_USER": ("mailer-account", True),
    "BOT_SMTP_PASSWORD": ("hunter2", True),
    "BOT_SMTP_HOST": ("smtp example jp", False),
    "BOT_SMTP_PORT": ("70000", False),
    "BOT_SMTP_SECURITY": ("ssl", False),
    "BOT_MAIL_FROM": ("support", False),
    "BOT_SMTP_TIMEOUT_SECONDS": ("0", False),
    "BOT_MAIL_MAX_TRIES": ("0", False),
    "BOT_MAIL_POLL_SECONDS": ("soon", False),
    "LINE_CHANNEL_SECRET": ("line secret", True),
    "LINE_CHANNEL_ACCESS_TOKEN": ("line token", True),
    "LINE_API_BASE": ("api.line.me", False),
    "LINE_DATA_API_BASE": ("ftp://api-data.line.me", False),
    "LINE_LOADING_AFTER_SECONDS": ("20", False),
    "LINE_MENU_FONT": ("/usr/share/fonts/ipag.png", False),
}


def test_every_variable_has_its_bad_value_tested():
    assert sorted(BAD) == sorted(settings.variable_names())


@pytest.mark.parametrize("name", sorted(BAD))
def test_a_bad_value_is_refused_with_the_variables_name(name):
    value, secret = BAD[name]
    with pytest.raises(SettingsError) as refused:
        settings.read_all(settings.EVERY_KIND, {**STARTABLE, name: value})
    [problem] = refused.value.problems
    assert problem.startswith(name) or problem.startswith("BOT_SMTP_USER and BOT_SMTP_PASSWORD:")
    assert ": expected " in problem
    if secret:
        assert value.strip() not in problem and "hunter2" not in problem
    else:
        assert repr(value) in problem


def test_the_messages_say_what_was_expected_in_words_an_operator_can_act_on():
    with pytest.raises(SettingsError) as refused:
        ActionsSettings.from_env({**STARTABLE, "BOT_SUPPORT_HOURS": "9-17"})
    assert refused.value.problems == ["BOT_SUPPORT_HOURS: expected HH:MM-HH:MM, got '9-17'"]
    with pytest.raises(
        SettingsError, match="BOT_ACTIONS_SECRET: expected a secret of at least 32 characters, got nothing"
    ):
        ActionServerSettings.from_env({})


def test_several_bad_values_are_all_listed():
    env = {
        **STARTABLE,
        "BOT_SUPPORT_HOURS": "9-17",
        "BOT_SMTP_PORT": "smtp",
        "BOT_NOW": "soon",
        "LINE_API_BASE": "nowhere",
    }
    with pytest.raises(SettingsError) as refused:
        settings.read_all(settings.EVERY_KIND, env)
    named = sorted(problem.partition(":")[0] for problem in refused.value.problems)
    assert named == ["BOT_NOW", "BOT_SMTP_PORT", "BOT_SUPPORT_HOURS", "LINE_API_BASE"]
    message = settings.problems_message("inbox", refused.value)
    assert message.startswith("inbox not started")
    assert all(f"\n  {problem}\n" in message for problem in refused.value.problems)


def test_unset_and_empty_variables_take_the_defaults():
    empty = {"BOT_SUPPORT_HOURS": "", "DATABASE_URL": "", "LOG_LEVEL": "", "LINE_API_BASE": ""}
    for env in (STARTABLE, {**STARTABLE, **empty}):
        found = settings.read_all(settings.EVERY_KIND, env)
        assert found[CoreSettings] == CoreSettings(
            database_url=f"sqlite:///{ROOT / 'var' / 'bot.db'}",
            tracker_store_url=f"sqlite:///{ROOT / 'var' / 'tracker.db'}",
            redis_url=None,
            metrics_token=None,
            log_level="INFO",
        )
        assert found[GuardSettings] == GuardSettings(
            max_message_chars=2000, messages_per_minute=20, action_timeout=2.5, concurrent_messages=4
        )
        assert found[RasaSettings] == RasaSettings(api_token=None)
        assert found[ActionsSettings] == ActionsSettings(
            identity_secret=IDENTITY_SECRET,
            jwt_secret=None,
            account_grace_days=30,
            support_hours=SupportHours(time(9, 0), time(17, 30)),
        )
        assert found[InboxSettings] == InboxSettings(agents={}, supervisors=frozenset(), rasa_api_token=None)
        assert found[WebPageSettings] == WebPageSettings(demo_login=False, jwt_secret=None)
        assert found[MailSettings] == MailSettings(
            host="127.0.0.1",
            port=8025,
            security="none",
            user=None,
            password=None,
            sender="support@example.com",
            timeout=30.0,
            max_tries=12,
            poll=5.0,
        )
        assert found[LineSettings] == LineSettings(
            channel_secret=None,
            access_token=None,
            api_base="https://api.line.me",
            data_api_base="https://api-data.line.me",
            loading_after=0.8,
            menu_font=None,
        )


def test_good_values_are_read_as_their_types():
    env = {
        **STARTABLE,
        "BOT_TODAY": "2026-11-22",
        "BOT_NOW": "2026-11-24T10:00",
        "DATABASE_URL": "postgresql://bot:secret@db:5432/bot",
        "TRACKER_STORE_URL": "sqlite:////tmp/t.db",
        "REDIS_URL": "redis://localhost:6379/0",
        "BOT_METRICS_TOKEN": "metrics-token-0123456789",
        "LOG_LEVEL": "DEBUG",
        "ACTION_ENDPOINT_URL": "http://127.0.0.1:5055/webhook",
        "RASA_TELEMETRY_ENABLED": "False",
        "RASA_API_TOKEN": "rasa-api-token-0123456789",
        "BOT_MAX_MESSAGE_CHARS": "500",
        "BOT_RATE_LIMIT_PER_MINUTE": "5",
        "BOT_ACTION_TIMEOUT_SECONDS": "1.5",
        "BOT_MAX_CONCURRENT_MESSAGES": "2",
        "BOT_JWT_SECRET": "page-secret",
        "BOT_ACCOUNT_GRACE_DAYS": "0",
        "BOT_SUPPORT_HOURS": "10:00-18:00",
        "BOT_AGENT_TOKENS": "suzuki=suzuki-token-0123456789,tanaka=tanaka-token-0123456789",
        "BOT_SUPERVISORS": "suzuki",
        "BOT_WEB_DEMO_LOGIN": "1",
        "BOT_SMTP_HOST": "smtp.example.jp",
        "BOT_SMTP_PORT": "587",
        "BOT_SMTP_SECURITY": "starttls",
        "BOT_SMTP_USER": "bot",
        "BOT_SMTP_PASSWORD": "pass word",
        "BOT_MAIL_FROM": "サポート窓口 <support@example.jp>",
        "BOT_SMTP_TIMEOUT_SECONDS": "10",
        "BOT_MAIL_MAX_TRIES": "3",
        "BOT_MAIL_POLL_SECONDS": "0.5",
        "LINE_CHANNEL_SECRET": "line-secret",
        "LINE_CHANNEL_ACCESS_TOKEN": "line-token",
        "LINE_API_BASE": "http://127.0.0.1:9000",
        "LINE_LOADING_AFTER_SECONDS": "0",
        "LINE_MENU_FONT": "/fonts/ipag.ttf",
    }
    found = settings.read_all(settings.EVERY_KIND, env)
    assert found[CoreSettings] == CoreSettings(
        "postgresql://bot:secret@db:5432/bot",
        "sqlite:////tmp/t.db",
        "redis://localhost:6379/0",
        "metrics-token-0123456789",
        "DEBUG",
    )
    assert found[GuardSettings] == GuardSettings(500, 5, 1.5, 2)
    assert found[RasaSettings] == RasaSettings("rasa-api-token-0123456789")
    assert found[ActionServerSettings] == ActionServerSettings(ACTIONS_SECRET)
    assert found[ActionsSettings] == ActionsSettings(
        IDENTITY_SECRET, "page-secret", 0, SupportHours(time(10, 0), time(18, 0))
    )
    assert found[InboxSettings] == InboxSettings(
        {"suzuki": "suzuki-token-0123456789", "tanaka": "tanaka-token-0123456789"},
        frozenset({"suzuki"}),
        "rasa-api-token-0123456789",
    )
    assert found[WebPageSettings] == WebPageSettings(True, "page-secret")
    assert found[MailSettings] == MailSettings(
        "smtp.example.jp", 587, "starttls", "bot", "pass word", "サポート窓口 <support@example.jp>", 10.0, 3, 0.5
    )
    # A stand-in for LINE serves the data API at the same address.
    assert found[LineSettings] == LineSettings(
        "line-secret", "line-token", "http://127.0.0.1:9000", "http://127.0.0.1:9000", 0.0, Path("/fonts/ipag.ttf")
    )


def test_the_settings_cannot_be_changed_once_read():
    with pytest.raises(AttributeError):
        GuardSettings().action_timeout = 60


def test_demo_login_needs_a_key_to_sign_with():
    expected = "BOT_JWT_SECRET: expected a key to sign with when BOT_WEB_DEMO_LOGIN=1, got nothing"
    with pytest.raises(SettingsError, match=expected):
        WebPageSettings.from_env({"BOT_WEB_DEMO_LOGIN": "1"})


def test_a_process_reads_once_at_start_and_code_inside_uses_what_it_read(monkeypatch):
    monkeypatch.setenv("BOT_MAX_MESSAGE_CHARS", "100")
    settings.start("Rasa server", GuardSettings)
    monkeypatch.setenv("BOT_MAX_MESSAGE_CHARS", "not even a number")
    assert settings.current(GuardSettings).max_message_chars == 100
    settings.forget()
    with pytest.raises(SettingsError, match="BOT_MAX_MESSAGE_CHARS"):
        settings.current(GuardSettings)


def test_a_start_with_bad_values_names_them_on_stderr_and_exits_2(monkeypatch, capsys):
    monkeypatch.setenv("BOT_NOW", "soon")
    monkeypatch.setenv("BOT_MAIL_MAX_TRIES", "0")
    with pytest.raises(SystemExit) as stopped:
        settings.start("mail sender", CoreSettings, MailSettings)
    assert stopped.value.code == 2
    assert capsys.readouterr().err == (
        "mail sender not started, the environment has bad settings:\n"
        "  BOT_NOW: expected YYYY-MM-DDTHH:MM (Japan time), got 'soon'\n"
        "  BOT_MAIL_MAX_TRIES: expected a whole number of at least 1, got '0'\n"
    )


def readme_configuration_variables():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Configuration\n", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| `")]
    return [name for row in rows for name in re.findall(r"`([A-Z0-9_]+)`", row.split("|")[1])]


def test_the_readmes_configuration_table_and_the_settings_name_the_same_variables():
    documented = readme_configuration_variables()
    assert len(documented) == len(set(documented)), "a variable is in the table twice"
    assert sorted(documented) == sorted(settings.variable_names())
