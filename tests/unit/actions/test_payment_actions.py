"""Payment status from what the customer says (today: 2026-11-22)."""

import pytest
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.payment import ActionPaymentStatus, ValidatePaymentForm
from tracker_helpers import DOMAIN, responses, slot_values, tracker


@pytest.fixture(autouse=True)
def today(monkeypatch):
    monkeypatch.setenv("BOT_TODAY", "2026-11-22")


async def fill(text, slots=None):
    dispatcher = CollectingDispatcher()
    events = await ValidatePaymentForm().run(
        dispatcher, tracker(text, intent="payment_status", slots=slots, active_loop="payment_form"), DOMAIN
    )
    return dispatcher, slot_values(events)


@pytest.mark.parametrize(
    "text, paid_on",
    [
        ("11月5日に郵便局で払いました", "2026-11-05"),
        ("昨日コンビニで支払った", "2026-11-21"),
        ("先週の金曜日に払い込みました", "2026-11-13"),
        ("11/20にローソンで", "2026-11-20"),
    ],
)
async def test_the_day_of_payment_is_understood(text, paid_on):
    _, slots = await fill(text)
    assert slots["paid_on"] == paid_on


async def test_a_day_in_the_future_is_refused():
    dispatcher, slots = await fill("2026年12月1日に払いました")
    assert responses(dispatcher) == ["utter_paid_on_in_future"]
    assert slots["paid_on"] is None


async def status(channel, paid_on):
    dispatcher = CollectingDispatcher()
    await ActionPaymentStatus().run(
        dispatcher, tracker("", slots={"payment_channel": channel, "paid_on": paid_on}), DOMAIN
    )
    return dispatcher.messages[0]


async def test_post_office_payment_past_ten_days_is_overdue():
    message = await status("郵便局", "2026-11-05")
    assert message["response"] == "utter_payment_overdue"
    assert message["expected_by"] == "2026年11月15日"


async def test_convenience_store_payment_within_five_days_is_waited_for():
    message = await status("コンビニエンスストア", "2026-11-20")
    assert message["response"] == "utter_payment_waiting"
    assert message["expected_by"] == "2026年11月25日"
