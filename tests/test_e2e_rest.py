"""The bot started as `make run` starts it, talked to over the REST channel."""

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request

import pytest

from conftest import ROOT, free_port


def post(port: int, sender: str, message: str) -> list:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/webhooks/rest/webhook",
        data=json.dumps({"sender": sender, "message": message}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def port_open(port: int) -> bool:
    try:
        urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1)
        return True
    except urllib.error.HTTPError:
        return True
    except OSError:
        return False


@pytest.fixture(scope="module")
def bot(model, tmp_path_factory):
    rasa_port, actions_port = free_port(), free_port()
    env = dict(os.environ, TRACKER_STORE_URL=f"sqlite:///{tmp_path_factory.mktemp('e2e')}/tracker.db")
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.serve", "--model", str(model),
         "--port", str(rasa_port), "--actions-port", str(actions_port)],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    lines = []
    deadline = time.monotonic() + 240
    for line in process.stdout:
        lines.append(line)
        if "ボットの準備ができました" in line or time.monotonic() > deadline:
            break
    assert "ボットの準備ができました" in "".join(lines), "".join(lines[-50:])
    yield {"process": process, "rasa_port": rasa_port, "actions_port": actions_port}
    if process.poll() is None:
        process.kill()


def texts(replies: list) -> list:
    return [r.get("text") for r in replies]


def test_answers_a_guide_question_in_japanese(bot, responses):
    replies = post(bot["rasa_port"], "e2e-faq", "ポータルのパスワードを忘れてしまいました")
    assert texts(replies) == [responses["utter_faq/portal_forgot_password"]]


def test_answers_the_payment_confirmation_times_from_the_guide(bot, responses):
    replies = post(bot["rasa_port"], "e2e-pay", "ｺﾝﾋﾞﾆで払ったら入金確認までどれくらいかかる？")
    assert texts(replies) == [responses["utter_faq/renewal_payment_confirmation"]]
    assert "当日〜5日程度" in replies[0]["text"] and "翌日〜10日程度" in replies[0]["text"]


def test_greeting_offers_quick_reply_buttons(bot, responses):
    replies = post(bot["rasa_port"], "e2e-greet", "こんにちは")
    assert texts(replies) == [responses["utter_greet"]]
    assert [b["payload"] for b in replies[0]["buttons"]]


def test_out_of_scope_gets_a_polite_refusal_not_a_guide_answer(bot, responses):
    replies = post(bot["rasa_port"], "e2e-oos", "おすすめのラーメン屋さんを教えて")
    assert texts(replies) == [responses["utter_out_of_scope"]]


def test_ctrl_c_stops_both_servers(bot):
    bot["process"].send_signal(signal.SIGINT)
    assert bot["process"].wait(timeout=30) == 0
    assert not port_open(bot["rasa_port"])
    assert not port_open(bot["actions_port"])
