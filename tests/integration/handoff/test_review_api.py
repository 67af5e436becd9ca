"""The review queue's API and page on a real database: supervisors only, the seeded messages in their
groups, labels checked, a labelled group gone, the export masked; every JSON answer checked against the
inbox's OpenAPI description."""

from __future__ import annotations

import pytest
import yaml
from aiohttp.test_utils import TestClient, TestServer

from bot.handoff import review_labels
from bot.handoff.inbox import OPENAPI, make_app
from bot.handoff.rasa_api import RasaApi
from openapi_schema import response_errors
from review_seed import EXPECTED, EXPECTED_GROUPS, PERSONAL_MASKED, RECEIPTS, seed

AGENTS = {"lead": "lead-token-0123456789abc", "agent-b": "agent-b-token-0123456789"}
QUEUE = "/api/review?from=2026-11-21&to=2026-11-22"


@pytest.fixture
async def client(migrated_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", migrated_url)
    monkeypatch.setenv("BOT_NOW", "2026-11-22T12:00")
    await seed(migrated_url)
    # Rasa's API is never asked for the review queue: a port nobody listens on.
    app = make_app(AGENTS, RasaApi("http://127.0.0.1:9", "unused"), supervisors={"lead"}, tracker_store=migrated_url)
    async with TestClient(TestServer(app)) as test_client:
        yield test_client


def authorization(agent):
    return {"Authorization": f"Bearer {AGENTS[agent]}"} if agent else {}


async def call(client, method, path, agent="lead", headers=None, **kwargs):
    headers = headers if headers is not None else authorization(agent)
    response = await client.request(method, path, headers=headers, **kwargs)
    body = await response.json()
    assert response_errors(OPENAPI, path.split("?")[0], method, response.status, body) == [], body
    assert response.headers["Content-Security-Policy"].startswith("default-src 'self'")
    return response.status, body


async def label(client, ids, value, agent="lead"):
    return await call(client, "POST", "/api/review/labels", agent=agent, json={"messages": ids, "label": value})


def texts(groups):
    return [tuple(message["text"] for message in group["messages"]) for group in groups]


@pytest.mark.parametrize(
    "method, path, body",
    [
        ("GET", QUEUE, None),
        ("POST", "/api/review/labels", {"messages": [1], "label": "greet"}),
        ("GET", "/api/review/export", None),
    ],
)
@pytest.mark.parametrize(
    "headers", [{}, {"Authorization": "Bearer not-an-agent-token-0123"}, {"Authorization": f"Basic {AGENTS['lead']}"}]
)
async def test_no_agent_token_no_review(client, method, path, body, headers):
    status, answer = await call(client, method, path, headers=headers, json=body)
    assert status == 401 and answer["error"] == "unauthorized" and "groups" not in answer


@pytest.mark.parametrize(
    "method, path, body",
    [
        ("GET", QUEUE, None),
        ("POST", "/api/review/labels", {"messages": [1], "label": "greet"}),
        ("GET", "/api/review/export", None),
    ],
)
async def test_an_agent_without_the_supervisor_role_is_refused(client, method, path, body):
    status, answer = await call(client, method, path, agent="agent-b", json=body)
    assert status == 403
    assert answer == {"error": "supervisors_only", "message": "見直しは監督者の方のみご利用いただけます。"}
    assert (await call(client, "GET", QUEUE))[1]["waiting"] == len(EXPECTED)


async def test_a_supervisor_gets_the_seeded_messages_in_their_groups(client):
    status, body = await call(client, "GET", QUEUE)
    assert status == 200
    assert (body["from"], body["to"], body["waiting"], body["shown"]) == ("2026-11-21", "2026-11-22", 8, 8)
    assert texts(body["groups"]) == EXPECTED_GROUPS
    messages = {message["text"]: message for group in body["groups"] for message in group["messages"]}
    assert messages[RECEIPTS[1]] == {
        "id": messages[RECEIPTS[1]]["id"],
        "text": RECEIPTS[1],
        "at": "2026-11-22T09:00:06+09:00",
        "channel": "rest",
        "intent": "faq",
        "confidence": 0.62,
        "guide_answer": "faq/renewal_after_payment",
        "reasons": ["unsure", "corrected"],
        "reply": "担当者と話したい",
    }
    assert body["names"]["reasons"]["corrected"] == "回答のあと「違う」・担当者希望の返信があった"
    assert body["names"]["readings"]["faq/renewal_after_payment"] == "支払い後の手続き"
    assert body["names"]["readings"]["nlu_fallback"] == "理解できず"
    assert body["names"]["channels"] == {"line": "LINE", "rest": "REST API", "socketio": "Webチャット"}
    values = {choice["value"]: choice for choice in body["choices"]}
    assert values["out_of_scope"]["name"] == "ガイドにない" and values["ignore"]["name"] == "無視"
    assert values["faq/renewal_slip_arrival"]["kind"] == "guide_answer" and "faq" not in values
    assert "rate_answer" not in values and values["check_renewal"]["kind"] == "intent"


async def test_a_labelled_group_leaves_the_queue_and_the_export_holds_it_masked(client):
    _, body = await call(client, "GET", QUEUE)
    receipts = [message["id"] for message in body["groups"][0]["messages"]]
    personal = next(
        message["id"] for group in body["groups"] for message in group["messages"] if message["text"] == PERSONAL_MASKED
    )
    assert await label(client, receipts, "out_of_scope") == (201, {"labelled": 3, "label": "out_of_scope"})
    assert await label(client, [personal], "out_of_scope") == (201, {"labelled": 1, "label": "out_of_scope"})
    _, body = await call(client, "GET", QUEUE)
    assert texts(body["groups"]) == [
        group for group in EXPECTED_GROUPS if group[0] not in (RECEIPTS[2], PERSONAL_MASKED)
    ]
    assert body["waiting"] == 4

    status, answer = await label(client, [receipts[0]], "greet")
    assert status == 409 and answer["error"] == "already_labelled"

    response = await client.get("/api/review/export", headers=authorization("lead"))
    assert response.status == 200 and response.headers["Content-Type"] == "application/yaml; charset=utf-8"
    assert response.headers["Content-Disposition"] == 'attachment; filename="reviewed.yml"'
    exported = yaml.safe_load(await response.text())
    assert exported["version"] == "3.1"
    assert exported["nlu"] == [
        {
            "intent": "out_of_scope",
            "examples": "".join(f"- {text}\n" for text in (RECEIPTS[0], RECEIPTS[1], RECEIPTS[2], PERSONAL_MASKED)),
        }
    ]
    assert "taro" not in await response.text() and "03-1234" not in await response.text()


@pytest.mark.parametrize(
    "body, error",
    [
        ({"messages": [1], "label": "faq"}, "unknown_label"),
        ({"messages": [1], "label": "rate_answer"}, "unknown_label"),
        ({"messages": [1], "label": "faq/no_such_answer"}, "unknown_label"),
        ({"messages": [1], "label": "nlu_fallback"}, "unknown_label"),
        ({"messages": [1]}, "unknown_label"),
        ({"messages": [], "label": "greet"}, "messages_required"),
        ({"messages": ["1"], "label": "greet"}, "messages_required"),
        ({"messages": [True], "label": "greet"}, "messages_required"),
        ({"messages": [2**31], "label": "greet"}, "messages_required"),
        ({"messages": list(range(1, 502)), "label": "greet"}, "messages_required"),
        ({"messages": 1, "label": "greet"}, "messages_required"),
        (["not", "an", "object"], "messages_required"),
    ],
)
async def test_what_cannot_be_a_label_gets_a_400_saying_why(client, body, error):
    status, answer = await call(client, "POST", "/api/review/labels", json=body)
    assert status == 400 and answer["error"] == error, answer
    assert (await call(client, "GET", QUEUE))[1]["waiting"] == len(EXPECTED)


async def test_a_message_not_in_the_tracker_store_is_not_found_and_bodies_must_be_json(client):
    status, answer = await label(client, [999_999], "greet")
    assert status == 404 and answer["error"] == "unknown_message"
    status, answer = await call(
        client,
        "POST",
        "/api/review/labels",
        data="messages=1",
        headers={**authorization("lead"), "Content-Type": "application/x-www-form-urlencoded"},
    )
    assert status == 415 and answer["error"] == "json_only"
    status, answer = await call(
        client,
        "POST",
        "/api/review/labels",
        data="{",
        headers={**authorization("lead"), "Content-Type": "application/json"},
    )
    assert status == 400 and answer["error"] == "bad_json"


def test_every_intent_a_message_can_be_taught_as_has_a_japanese_name():
    assert review_labels.intents() == list(review_labels.INTENT_NAMES)
    answers = review_labels.guide_answers()
    assert all(key.startswith("faq/") for key in answers) and answers["faq/renewal_how"] == "振込用紙で更新する手順"


async def test_dates_that_cannot_be_read_get_a_400(client):
    status, answer = await call(client, "GET", "/api/review?from=2026-11-23&to=2026-11-22")
    assert status == 400 and answer["error"] == "bad_dates"


async def test_the_page_and_its_script_need_no_token_and_load_nothing_from_elsewhere(client):
    page = await client.get("/review")
    text = await page.text()
    assert page.status == 200 and page.headers["Content-Type"].startswith("text/html")
    assert page.headers["Content-Security-Policy"].startswith("default-src 'self'; script-src 'self'")
    assert '<script src="/session.js"></script>' in text and '<script src="/review.js"></script>' in text
    assert text.count("<script") == 2 and "http" not in text
    for path, kind in (("/review.js", "text/javascript"), ("/review.css", "text/css")):
        response = await client.get(path)
        assert response.status == 200 and response.headers["Content-Type"].startswith(kind)
