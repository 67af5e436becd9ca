"""Two Rasa servers behind one address (make run-scaled): any server takes any turn of any conversation."""

import json
import os
import signal
import threading
import time

from sqlalchemy import create_engine, text

from cluster_helpers import say

SIGN_UP_CODE = "TB-5RD2-H8L4Q-3NZ7V-9KC1W-6PM5X-1GT8B"


def stored_events(stores, sender):
    """(type, text) of a conversation's events, in order, read from PostgreSQL directly."""
    engine = create_engine(stores["direct_url"], future=True)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                text("SELECT type_name, data FROM events WHERE sender_id = :s ORDER BY id"), {"s": sender})
            return [(kind, json.loads(data).get("text")) for kind, data in rows]
    finally:
        engine.dispose()


def test_turns_alternating_between_the_two_rasa_servers_keep_the_form_and_its_slots(cluster, responses):
    first, second = cluster.rasa_ports
    sender = "scale-alternating"
    steps = [
        (first, "このチャットでアカウントを作成してください", responses["utter_ask_signup_form_signup_code"]),
        (second, SIGN_UP_CODE, responses["utter_ask_signup_form_signup_name"]),
        (first, "佐々木 三郎", responses["utter_ask_signup_form_signup_email"]),
        (second, "sasaki@scale-test.example.jp", responses["utter_ask_signup_form_signup_phone"]),
    ]
    for port, message, question in steps:
        status, replies, _ = say(port, sender, message)
        assert status == 200 and replies[-1] == question, (port, message, replies)
    status, replies, _ = say(first, sender, "03-1234-5678")
    assert replies == [responses["utter_signup_done"].format(email="sasaki@scale-test.example.jp")]


def test_messages_sent_at_once_for_one_sender_are_answered_in_order_each_once(cluster, stores, responses):
    sender = "scale-burst"
    questions = [
        ("振込用紙はいつ届きますか", "utter_faq/renewal_slip_arrival"),
        ("パスワードを忘れました", "utter_faq/portal_forgot_password"),
        ("ありがとうございます", "utter_thank"),
        ("振込用紙はいつ届きますか", "utter_faq/renewal_slip_arrival"),
        ("パスワードを忘れました", "utter_faq/portal_forgot_password"),
        ("ありがとうございます", "utter_thank"),
    ]
    answers = [None] * len(questions)

    def send(index, message):
        # Every other message to the other server, as a load balancer might.
        answers[index] = say(cluster.rasa_ports[index % 2], sender, message)

    threads = []
    for index, (message, _) in enumerate(questions):
        threads.append(threading.Thread(target=send, args=(index, message)))
        threads[-1].start()
        time.sleep(0.05)  # the order they are sent in; they overlap, each turn takes longer
    for thread in threads:
        thread.join(60)
    assert [replies for _, replies, _ in answers] == [[responses[key]] for _, key in questions]

    conversation = [(kind, words) for kind, words in stored_events(stores, f"rest:{sender}") if kind in ("user", "bot")]
    expected = [line for message, key in questions for line in (("user", message), ("bot", responses[key]))]
    assert conversation == expected  # in order, each answered once, no answer between another's question and answer


def test_a_rasa_server_killed_mid_form_is_started_again_and_the_form_goes_on(cluster, responses):
    first, second = cluster.rasa_ports
    sender = "scale-killed"
    assert say(first, sender, "このチャットでアカウントを作成してください")[1][-1] == responses["utter_ask_signup_form_signup_code"]
    assert say(first, sender, SIGN_UP_CODE)[1][-1] == responses["utter_ask_signup_form_signup_name"]

    [pid] = cluster.pids_of("bot.rasa_server", first)
    os.kill(pid, signal.SIGKILL)
    # Through the one address: the load balancer takes it to the server still running.
    status, replies, _ = say(cluster.port, sender, "高橋 四郎")
    assert status == 200 and replies[-1] == responses["utter_ask_signup_form_signup_email"]

    cluster.wait_until_answering(f"http://127.0.0.1:{first}/")
    assert cluster.pids_of("bot.rasa_server", first) != [pid]
    assert any("Rasaサーバー1 が停止しました" in line for line in cluster.log)
    status, replies, _ = say(first, sender, "takahashi@scale-test.example.jp")
    assert replies[-1] == responses["utter_ask_signup_form_signup_phone"]
