"""200 conversations of 10 turns at once through the one address: every message answered, exactly
as one conversation alone is answered, no 5xx, and PostgreSQL holds exactly what was said."""

import asyncio
import json
import statistics
import time

import aiohttp
from sqlalchemy import create_engine, text

from project_helpers import ROOT

CONVERSATIONS = 200
# FAQ answers, a verification, a renewal check and a payment status: the actions and the database under load.
SCRIPT = [
    "振込用紙はいつ届きますか",
    "パスワードを忘れました",
    "VBCL-4821-7730-1956-2204 は更新できますか",
    "nakamura@example.jp",
    "11月5日に郵便局で払ったのに反映されない",
    "ありがとうございます",
    "コンビニで払った場合、入金の確認にどのくらいかかりますか",
    "アカウントの状態を確認したい",
    "振込用紙での支払いはどこでできますか",
    "さようなら",
]


async def converse(session, url, sender, latencies, statuses):
    replies = []
    for message in SCRIPT:
        started = time.monotonic()
        async with session.post(url, json={"sender": sender, "message": message}) as response:
            statuses.append(response.status)
            body = await response.json(content_type=None) if response.status == 200 else []
        latencies.append(time.monotonic() - started)
        replies.append([reply.get("text") for reply in body])
    return replies


async def load(port):
    url = f"http://127.0.0.1:{port}/webhooks/rest/webhook"
    latencies, statuses = [], []
    timeout = aiohttp.ClientTimeout(total=120)
    async with aiohttp.ClientSession(timeout=timeout, connector=aiohttp.TCPConnector(limit=CONVERSATIONS)) as session:
        # One conversation alone first: what every conversation under load must be told.
        expected = await converse(session, url, "load-baseline", [], [])
        started = time.monotonic()
        results = await asyncio.gather(
            *(converse(session, url, f"load-{n:03d}", latencies, statuses) for n in range(CONVERSATIONS))
        )
        elapsed = time.monotonic() - started
    return expected, results, latencies, statuses, elapsed


def counts_by_sender(stores):
    engine = create_engine(stores["direct_url"], future=True)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                text(
                    "SELECT sender_id, type_name, COUNT(*) FROM events WHERE sender_id LIKE 'rest:load-%' "
                    "AND type_name IN ('user', 'bot') GROUP BY sender_id, type_name"
                )
            )
            counts = {}
            for sender, kind, count in rows:
                counts.setdefault(sender, {})[kind] = count
            return counts
    finally:
        engine.dispose()


def test_two_hundred_conversations_at_once_lose_nothing(cluster, stores):
    expected, results, latencies, statuses, elapsed = asyncio.run(load(cluster.port))

    assert all(expected), f"a turn of the lone conversation got no answer: {expected}"
    health = [line for line in cluster.log if "DOWN" in line or "UP," in line][-10:]
    assert sorted(set(statuses)) == [200], f"{statuses.count(503)} of {len(statuses)} answered 503; HAProxy: {health}"
    wrong = {
        (turn, str(replies[turn]))
        for replies in results
        for turn in range(len(SCRIPT))
        if replies[turn] != expected[turn]
    }
    assert not wrong, f"turns answered otherwise than alone (turn, replies): {sorted(wrong)[:5]}; alone: {expected}"

    counts = counts_by_sender(stores)
    bot_messages = sum(len(replies) for replies in expected)
    assert len(counts) == CONVERSATIONS + 1
    assert {
        sender: tally for sender, tally in counts.items() if tally != {"user": len(SCRIPT), "bot": bot_messages}
    } == {}

    messages = CONVERSATIONS * len(SCRIPT)
    figures = {
        "conversations": CONVERSATIONS,
        "messages": messages,
        "seconds": round(elapsed, 1),
        "messages_per_second": round(messages / elapsed, 1),
        "p50_ms": round(statistics.median(latencies) * 1000),
        "p95_ms": round(statistics.quantiles(latencies, n=20)[18] * 1000),
        "max_ms": round(max(latencies) * 1000),
    }
    (ROOT / "test-output").mkdir(exist_ok=True)
    (ROOT / "test-output" / "load-scaled.json").write_text(json.dumps(figures, indent=2))
    print(f"\nload through run-scaled: {figures}")
