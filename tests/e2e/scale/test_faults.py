"""Faults in what the bot depends on: within 3 seconds a polite answer that says what to do, nothing
stored is lost, and the bot recovers by itself when the dependency is back."""

import os
import signal
import time
from contextlib import contextmanager

import yaml

from cluster_helpers import say
from project_helpers import ROOT, pids_of

CODE = "TB-3KQ7-M2X9P-4HD8W-7RT5N-Q6J3C-9ZV2L"
SIGN_UP_CODE = "TB-5RD2-H8L4Q-3NZ7V-9KC1W-6PM5X-1GT8B"
RESPONSES = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))["responses"]
TROUBLE = RESPONSES["utter_guard_trouble"][0]["text"]


def polite(cluster, sender, message):
    status, replies, seconds = say(cluster.port, sender, message)
    assert status == 200 and TROUBLE in replies, replies
    assert seconds < 3.0, f"the customer waited {seconds:.1f} s"
    return replies


@contextmanager
def outage(*proxies):
    """The stores behind `proxies` down for the block, and back after it whatever happened."""
    for proxy in proxies:
        proxy.cut()
    try:
        yield
    finally:
        for proxy in proxies:
            proxy.restore()


def action_server_pids(cluster):
    return [pid for port in cluster.actions_ports for pid in pids_of("bot.runtime.actions_server", port)]


def started(cluster, sender, responses):
    """A conversation that has begun (its session started) and is in the verification form."""
    assert say(cluster.port, sender, "振込用紙はいつ届きますか")[1] == [responses["utter_faq/renewal_slip_arrival"]]
    assert say(cluster.port, sender, "アカウントの状態を確認したい")[1][-1] == responses["utter_ask_verify_form_email"]


def verified(cluster, sender, responses):
    status, replies, _ = say(cluster.port, sender, f"yamada@sample-shoji.co.jp {CODE}")
    assert replies[-1] == responses["utter_account_valid"].format(
        email="yamada@sample-shoji.co.jp", contract_end="2027年3月31日"
    ), replies


def test_a_hanging_action_server(cluster, responses):
    sender = "fault-hanging"
    started(cluster, sender, responses)
    pids = action_server_pids(cluster)
    for pid in pids:
        os.kill(pid, signal.SIGSTOP)
    try:
        polite(cluster, sender, f"yamada@sample-shoji.co.jp {CODE}")
        # A new customer too: their first message needs two actions, within the same budget.
        polite(cluster, "fault-hanging-new", "アカウントの状態を確認したい")
    finally:
        for pid in pids:
            os.kill(pid, signal.SIGCONT)
    verified(cluster, sender, responses)


def test_action_servers_that_died_are_replaced_and_meanwhile_customers_hear_why(cluster, responses):
    sender = "fault-dead"
    started(cluster, sender, responses)
    old = action_server_pids(cluster)
    for pid in old:
        os.kill(pid, signal.SIGKILL)
    polite(cluster, sender, f"yamada@sample-shoji.co.jp {CODE}")
    for port in cluster.actions_ports:
        cluster.wait_until_answering(f"http://127.0.0.1:{port}/health")
    assert set(action_server_pids(cluster)).isdisjoint(old)
    time.sleep(5)  # HAProxy's health check sees them back
    verified(cluster, sender, responses)


def test_action_servers_failing_because_their_database_is_down(cluster, stores, responses):
    sender = "fault-failing"
    started(cluster, sender, responses)
    with outage(stores["actions_db"]):
        polite(cluster, sender, f"yamada@sample-shoji.co.jp {CODE}")
    verified(cluster, sender, responses)


def test_the_database_down_in_the_middle_of_a_form_loses_nothing(cluster, stores, responses):
    sender = "fault-database"
    assert (
        say(cluster.port, sender, "このチャットでアカウントを作成してください")[1][-1]
        == responses["utter_ask_signup_form_signup_code"]
    )
    assert say(cluster.port, sender, SIGN_UP_CODE)[1][-1] == responses["utter_ask_signup_form_signup_name"]
    with outage(stores["tracker_db"], stores["actions_db"]):
        polite(cluster, sender, "松本 五郎")
    # The code given before the outage is still there: the form asks for the name again, then goes on.
    assert say(cluster.port, sender, "松本 五郎")[1][-1] == responses["utter_ask_signup_form_signup_email"]


def test_redis_down(cluster, stores, responses):
    sender = "fault-redis"
    started(cluster, sender, responses)
    with outage(stores["redis"]):
        polite(cluster, sender, f"yamada@sample-shoji.co.jp {CODE}")
    verified(cluster, sender, responses)
