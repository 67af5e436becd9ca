"""Two Rasa servers behind one address (make run-scaled): any server takes any turn of any conversation."""

import json
import os
import signal
import threading
import time

import redis
from sqlalchemy import create_engine, text

from cluster_helpers import say
from project_helpers import pids_of, wait_until_dead

SIGN_UP_CODE = "TB-5RD2-H8L4Q-3NZ7V-9KC1W-6PM5X-1GT8B"


def stored_events(stores, sender):
    """(type, text) of a conversation's events, in order, read from PostgreSQL directly."""
    engine = create_engine(stores["direct_url"], future=True)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                text("SELECT type_name, data FROM events WHERE sender_id = :s ORDER BY id"), {"s": sender}
            )
            return [(kind, json.loads(data).get("text")) for kind, data in rows]
    finally:
        engine.dispose()


def last_ticket(client, sender):
    """The number of the last ticket in a REST conversation's Redis lock; None with no lock."""
    stored = client.get(f"lock:rest:{sender}")
    tickets = json.loads(stored)["tickets"] if stored else []
    return json.loads(tickets[-1])["number"] if tickets else None


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
    # The first thanks also bring the satisfaction question, asked once a session.
    questions = [
        ("振込用紙はいつ届きますか", ["utter_faq/renewal_slip_arrival"]),
        ("パスワードを忘れました", ["utter_faq/portal_forgot_password"]),
        ("ありがとうございます", ["utter_thank", "utter_ask_csat"]),
        ("振込用紙はいつ届きますか", ["utter_faq/renewal_slip_arrival"]),
        ("パスワードを忘れました", ["utter_faq/portal_forgot_password"]),
        ("ありがとうございます", ["utter_thank"]),
    ]
    answers = [None] * len(questions)

    def send(index, message):
        # Every other message to the other server, as a load balancer might.
        answers[index] = say(cluster.rasa_ports[index % 2], sender, message)

    # Each message is sent once the one before has taken its place in the conversation's queue (its
    # lock ticket) or been answered, while that one still waits or runs: they overlap, and the queue's
    # order is the order sent. A fixed pause did not ensure it on a busy machine: two servers took two
    # messages sent 50 ms apart in the other order.
    lock_store = redis.Redis.from_url(stores["redis_url"])
    threads = []
    for index, (message, _) in enumerate(questions):
        before = last_ticket(lock_store, sender)
        threads.append(threading.Thread(target=send, args=(index, message)))
        threads[-1].start()
        deadline = time.monotonic() + 30
        # Answered already is queued too (the lock may be gone by then, or hold the same number anew).
        while last_ticket(lock_store, sender) == before and answers[index] is None and time.monotonic() < deadline:
            time.sleep(0.005)
    for thread in threads:
        thread.join(60)
    assert [replies for _, replies, _ in answers] == [[responses[key] for key in keys] for _, keys in questions]

    conversation = [(kind, words) for kind, words in stored_events(stores, f"rest:{sender}") if kind in ("user", "bot")]
    expected = [
        line for message, keys in questions for line in (("user", message), *(("bot", responses[key]) for key in keys))
    ]
    assert conversation == expected  # in order, each answered once, no answer between another's question and answer


def test_a_rasa_server_killed_mid_form_is_started_again_and_the_form_goes_on(cluster, responses):
    first, second = cluster.rasa_ports
    sender = "scale-killed"
    assert (
        say(first, sender, "このチャットでアカウントを作成してください")[1][-1]
        == responses["utter_ask_signup_form_signup_code"]
    )
    assert say(first, sender, SIGN_UP_CODE)[1][-1] == responses["utter_ask_signup_form_signup_name"]

    [pid] = pids_of("bot.runtime.rasa_server", first)
    os.kill(pid, signal.SIGKILL)
    wait_until_dead(pid)
    # Through the one address: the load balancer takes it to the server still running.
    status, replies, _ = say(cluster.port, sender, "高橋 四郎")
    assert status == 200 and replies[-1] == responses["utter_ask_signup_form_signup_email"]

    cluster.wait_until_answering(f"http://127.0.0.1:{first}/")
    assert pids_of("bot.runtime.rasa_server", first) != [pid]
    assert any("Rasaサーバー1 が停止しました" in line for line in cluster.log)
    status, replies, _ = say(first, sender, "takahashi@scale-test.example.jp")
    assert replies[-1] == responses["utter_ask_signup_form_signup_phone"]


async def test_a_message_for_a_web_customer_reaches_them_from_the_other_server(cluster):
    """The inbox's Rasa API call for a web chat customer lands on any server; the socket is on one."""
    import asyncio

    import aiohttp
    import socketio

    from project_helpers import RASA_API_TOKEN

    holding, other = cluster.rasa_ports
    session_id = "scale-web-" + str(time.time_ns())
    received = asyncio.Queue()
    client = socketio.AsyncClient()  # polling: the pinned Engine.IO's websocket client wants a newer aiohttp
    client.on("bot_uttered", received.put_nowait)
    confirmed = asyncio.Event()
    client.on("session_confirm", lambda *_: confirmed.set())
    await client.connect(f"http://127.0.0.1:{holding}", socketio_path="/socket.io/", transports=["polling"])
    try:
        await client.emit("session_request", {"session_id": session_id})
        await asyncio.wait_for(confirmed.wait(), 10)
        await client.emit("user_uttered", {"message": "振込用紙はいつ届きますか", "session_id": session_id})
        await asyncio.wait_for(received.get(), 30)  # the conversation exists and its channel is socketio

        url = (
            f"http://127.0.0.1:{other}/conversations/{session_id}/tracker/events"
            f"?token={RASA_API_TOKEN}&output_channel=socketio&execute_side_effects=true"
        )
        async with aiohttp.ClientSession() as session:
            said = [{"event": "bot", "text": "担当者: 別のサーバーから失礼します"}]
            async with session.post(url, json=said) as answer:
                assert answer.status == 200
        message = await asyncio.wait_for(received.get(), 10)
        assert message["text"] == "担当者: 別のサーバーから失礼します"
    finally:
        await client.disconnect()
