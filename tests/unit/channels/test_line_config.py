"""Where the LINE channel gets its secret, token and API address, and that the bot starts without them."""

import pytest
from rasa.shared.utils.common import class_from_module_path
from rasa.shared.utils.io import read_config_file

from bot import settings
from bot.channels.line import LineInput
from line_helpers import (
    ACCESS_TOKEN,
    SECRET,
    FakeRasa,
    callback_body,
    new_user_id,
    post_webhook,
    serving,
    sign,
    text_event,
)
from project_helpers import ROOT

LINE_VARIABLES = ["LINE_CHANNEL_SECRET", "LINE_CHANNEL_ACCESS_TOKEN", "LINE_API_BASE", "LINE_LOADING_AFTER_SECONDS"]


async def answered(channel: LineInput, secret: str, stand_in) -> int:
    """Post a signed message to the channel; the webhook's status once the reply has arrived (or not)."""
    async with serving(channel, FakeRasa({}).on_new_message) as url:
        body = callback_body(text_event("パスワードを忘れました", new_user_id()))
        status = await post_webhook(url, body, sign(secret, body))
        await channel.tasks.drain(10)
    return status


async def test_secret_token_and_api_address_come_from_the_environment(monkeypatch, stand_in):
    for name, value in stand_in.bot_environment().items():
        monkeypatch.setenv(name, value)
    assert await answered(LineInput.from_credentials(None), SECRET, stand_in) == 200
    assert len(stand_in.delivered()) == 1


async def test_credentials_override_the_environment(monkeypatch, stand_in):
    monkeypatch.setenv("LINE_CHANNEL_SECRET", "the-environments-secret")
    monkeypatch.setenv("LINE_API_BASE", "http://127.0.0.1:9")
    channel = LineInput.from_credentials(
        {"channel_secret": SECRET, "channel_access_token": ACCESS_TOKEN, "api_base": stand_in.base_url}
    )
    assert await answered(channel, SECRET, stand_in) == 200
    assert len(stand_in.delivered()) == 1


@pytest.fixture
def no_line_environment(monkeypatch):
    for name in LINE_VARIABLES:
        monkeypatch.delenv(name, raising=False)


async def test_credentials_yml_loads_without_line_configured_and_then_refuses_everything(no_line_environment, stand_in):
    # Rasa's own reader, which stops on any ${VAR} that is not set.
    credentials = read_config_file(ROOT / "credentials.yml")
    channel_class = class_from_module_path("bot.channels.line.LineInput")
    channel = channel_class.from_credentials(credentials["bot.channels.line.LineInput"])
    assert await answered(channel, "", stand_in) == 403
    assert stand_in.calls == []


def test_the_loading_indicators_delay_comes_from_the_environment_or_defaults(no_line_environment, monkeypatch):
    assert LineInput.from_credentials(None).loading_after == 0.8
    monkeypatch.setenv("LINE_LOADING_AFTER_SECONDS", "1.5")
    settings.forget()
    assert LineInput.from_credentials(None).loading_after == 1.5


@pytest.mark.parametrize("value", ["soon", "-1", "20", "nan"])
def test_a_loading_delay_that_is_not_a_sensible_number_of_seconds_stops_the_start(
    no_line_environment, monkeypatch, value
):
    monkeypatch.setenv("LINE_LOADING_AFTER_SECONDS", value)
    with pytest.raises(ValueError, match="LINE_LOADING_AFTER_SECONDS"):
        LineInput.from_credentials(None)
