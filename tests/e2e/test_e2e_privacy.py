"""No customer data and no secret in the logs of the running bot (all its processes, at DEBUG)."""

import json
import re
import time
import urllib.request

import pytest

from project_helpers import (
    ACTIONS_SECRET,
    AGENT_TOKENS,
    IDENTITY_SECRET,
    JWT_SECRET,
    METRICS_TOKEN,
    RASA_API_TOKEN,
    inbox,
    post,
)

CODE = "TB-5RD2-H8L4Q-3NZ7V-9KC1W-6PM5X-1GT8B"
SECRETS_OF_THE_CUSTOMER = [
    "yamada@sample-shoji.co.jp",
    "TB-3KQ7-M2X9P-4HD8W-7RT5N-Q6J3C-9ZV2L",
    "3KQ7",
    "M2X9P",
    "privacy.jiro@example.co.jp",
    "5RD2",
    "H8L4Q",
    "090-8765-4321",
    "09087654321",
    "8765",
    "VBCL-4821-7730-1956-2204",
    "4821-7730",
    "nakamura@example.jp",
    "privacy-contact@example.jp",
]


def appears_in(value, log):
    """Whether `value` stands in the log as data of its own, not as digits inside an id or a timestamp.

    The log is the whole session's (every end-to-end test, at DEBUG): a four-digit piece of a
    phone number also turns up inside message ids and event timestamps by chance.
    """
    return re.search(rf"(?<![0-9A-Za-z_.]){re.escape(value)}(?![0-9A-Za-z_])", log) is not None


def say(bot, sender, text):
    return [r.get("text") for r in post(bot["rasa_port"], sender, text)]


def test_a_full_conversation_leaves_no_personal_data_or_secret_in_the_logs(bot):
    say(bot, "privacy-a", "アカウントの状態を確認したい")
    say(bot, "privacy-a", "yamada@sample-shoji.co.jp TB-3KQ7-M2X9P-4HD8W-7RT5N-Q6J3C-9ZV2L")
    for text in (
        "このチャットでアカウントを作成してください",
        CODE,
        "山本 次郎",
        "privacy.jiro@example.co.jp",
        "090-8765-4321",
    ):
        say(bot, "privacy-b", text)
    say(bot, "privacy-c", "VBCL-4821-7730-1956-2204 は更新できますか")
    say(bot, "privacy-c", "nakamura@example.jp")
    for text in ("担当者と話したい", "privacy-contact@example.jp", "VBCL-4821-7730-1956-2204", "はい"):
        replies = say(bot, "privacy-d", text)
    assert "受付番号" in replies[-1]
    assert inbox(bot, "GET", "/api/tickets")[0] == 200
    time.sleep(1)  # the servers' last lines reach the reader thread

    log = "".join(bot["log"])
    # The conversation really was logged (Rasa at DEBUG logs every message), masked.
    assert "***@sample-shoji.co.jp" in log and "VBCL-****-****-****-2204" in log
    leaked = {
        value: re.findall(rf".{{0,60}}{re.escape(value)}.{{0,60}}", log)[:3]
        for value in SECRETS_OF_THE_CUSTOMER
        if appears_in(value, log)
    }
    assert leaked == {}
    url = f"http://127.0.0.1:{bot['rasa_port']}/conversations/rest:privacy-a/tracker?token={RASA_API_TOKEN}"
    with urllib.request.urlopen(url, timeout=30) as response:
        proof = json.loads(response.read())["slots"]["identity_proof"]
    assert proof.startswith("eyJ")  # verified, and the proof is in the tracker Rasa logs at DEBUG
    secrets = [
        JWT_SECRET,
        RASA_API_TOKEN,
        ACTIONS_SECRET,
        IDENTITY_SECRET,
        METRICS_TOKEN,
        proof,
        *AGENT_TOKENS.values(),
    ]
    assert [secret for secret in secrets if secret in log] == []


@pytest.mark.parametrize(
    "line, leaks",
    [
        ("signup_phone: '090-8765-****'", True),
        ("tokens ['090', '8765', '4321']", True),
        ("phone=8765", True),
        ("message_id': 'c3a98765f1e0'", False),
        ("timestamp': 1764755098.8765432", False),
        ("port 58765", False),
    ],
)
def test_a_piece_of_a_phone_number_is_found_only_where_it_stands_as_data(line, leaks):
    assert appears_in("8765", line) is leaks
