"""The agent inbox's API on a real database, with Rasa's HTTP API played by a fake that records calls.

Every answer is checked against the inbox's own OpenAPI description.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.handoff.inbox import OPENAPI, make_app
from bot.handoff.rasa_api import RasaApiError
from bot.store import tickets
from bot.store.db import session_scope
from openapi_schema import response_errors

AGENTS = {"agent-a": "agent-a-token-0123456789", "agent-b": "agent-b-token-0123456789"}
SERIAL = "VBCL-4821-7730-1956-2204"


class FakeRasa:
    def __init__(self) -> None:
        self.calls: List[tuple] = []
        self.events_of: Dict[str, List[Dict[str, Any]]] = {}
        self.failing = False

    async def events(self, sender_id: str) -> List[Dict[str, Any]]:
        self._maybe_fail()
        return self.events_of.get(sender_id, [])

    async def say_as_agent(self, sender_id: str, channel: str, agent: str, text: str, message: Dict[str, Any]) -> None:
        self._maybe_fail()
        self.calls.append(("say", sender_id, channel, agent, text, message["text"]))

    async def resume(self, sender_id: str, channel: str, message: Dict[str, Any], response: str) -> None:
        self._maybe_fail()
        self.calls.append(("resume", sender_id, channel, message["text"], response))

    async def close(self) -> None:
        pass

    def _maybe_fail(self) -> None:
        if self.failing:
            raise RasaApiError("Rasa did not answer GET …/tracker: ClientConnectorError")


@pytest.fixture
def database(migrated_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", migrated_url)
    return migrated_url


@pytest.fixture
def rasa():
    return FakeRasa()


@pytest.fixture
async def client(database, rasa):
    async with TestClient(TestServer(make_app(AGENTS, rasa))) as test_client:
        yield test_client


def new_ticket(database, sender="web-1", channel="socketio", priority="normal", offset=2) -> tickets.TicketRecord:
    with session_scope(database) as session:
        return tickets.create_ticket(
            session,
            sender_id=sender,
            channel=channel,
            category="契約更新・支払い",
            priority=priority,
            summary="【契約更新・支払い】お客さまが担当者との対応を希望。",
            verified_email=None,
            contact_email="customer@example.jp",
            fields={"handoff_identifier": "VBCL-****-****-****-2204"},
            transcript=[{"who": "customer", "text": "振込用紙はいつ届きますか"}],
            conversation_offset=offset,
        )


def as_agent(name: str) -> Dict[str, str]:
    return {"Authorization": f"Bearer {AGENTS[name]}"}


async def call(client, method: str, path: str, agent: Optional[str] = "agent-a", openapi_path: str = None, **kwargs):
    """The status and JSON body, after checking the body against the OpenAPI description."""
    headers = {**(as_agent(agent) if agent else {}), **kwargs.pop("headers", {})}
    response = await client.request(method, path, headers=headers, **kwargs)
    body = await response.json()
    template = openapi_path or path
    assert response_errors(OPENAPI, template, method, response.status, body) == [], body
    assert response.headers["Content-Security-Policy"].startswith("default-src 'self'")
    return response.status, body


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer not-an-agent-token-0123"},
        {"Authorization": f"Basic {AGENTS['agent-a']}"},
        # A customer's identity token from the support site is not an agent's credential.
        {"Authorization": "Bearer eyJhbGciOiJIUzI1NiJ9.eyJlbWFpbCI6InlhbWFkYUBzYW1wbGUtc2hvamkuY28uanAifQ.x"},
    ],
)
async def test_every_api_call_needs_an_agents_token(client, database, rasa, headers):
    ticket = new_ticket(database)
    for method, path in [
        ("GET", "/api/me"),
        ("GET", "/api/tickets"),
        ("GET", f"/api/tickets/{ticket.id}"),
        ("POST", f"/api/tickets/{ticket.id}/claim"),
        ("POST", f"/api/tickets/{ticket.id}/close"),
        ("POST", f"/api/tickets/{ticket.id}/messages"),
    ]:
        response = await client.request(method, path, headers=headers, json={"text": "こんにちは"})
        assert response.status == 401, (method, path)
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
        body = await response.json()
        assert body["error"] == "unauthorized" and "振込用紙" not in str(body)
    assert rasa.calls == []
    with session_scope(database) as session:
        assert tickets.get_ticket(session, ticket.id).status == "open"


async def test_the_page_and_the_description_need_no_token(client):
    page = await client.get("/")
    assert page.status == 200 and "担当者受付箱" in await page.text()
    description = await client.get("/api/openapi.yml")
    assert description.status == 200 and "operationId: sendMessage" in await description.text()


async def test_the_list_is_by_priority_then_age(client, database):
    normal = new_ticket(database, sender="web-1")
    high = new_ticket(database, sender="web-2", priority="high")
    status, body = await call(client, "GET", "/api/tickets")
    assert status == 200
    assert [t["id"] for t in body["tickets"]] == [high.id, normal.id]
    assert body["tickets"][0]["category"] == "契約更新・支払い" and body["tickets"][0]["can_message"] is True


async def test_a_ticket_shows_what_the_customer_wrote_since_the_handoff_masked(client, database, rasa):
    ticket = new_ticket(database, offset=2)
    rasa.events_of["web-1"] = [
        {"event": "user", "text": "振込用紙はいつ届きますか"},
        {"event": "bot", "text": "1〜2週間です"},
        {"event": "pause"},
        {"event": "user", "text": f"シリアルは {SERIAL} です"},
        {"event": "bot", "text": "担当者: 確認します", "metadata": {"agent": "agent-a", "agent_text": "確認します"}},
    ]
    status, body = await call(client, "GET", f"/api/tickets/{ticket.id}", openapi_path="/api/tickets/{ticket_id}")
    assert status == 200
    assert body["conversation"] == [
        {"who": "customer", "text": "シリアルは VBCL-****-****-****-2204 です"},
        {"who": "agent", "agent": "agent-a", "text": "確認します"},
    ]
    assert body["ticket"]["transcript"] == [{"who": "customer", "text": "振込用紙はいつ届きますか"}]


async def test_the_ticket_still_shows_when_rasa_is_down(client, database, rasa):
    ticket = new_ticket(database)
    rasa.failing = True
    status, body = await call(client, "GET", f"/api/tickets/{ticket.id}", openapi_path="/api/tickets/{ticket_id}")
    assert status == 200 and body["conversation"] is None
    assert "取得できませんでした" in body["conversation_error"]


async def test_claim_write_close(client, database, rasa, responses):
    ticket = new_ticket(database)
    path = f"/api/tickets/{ticket.id}"
    status, body = await call(
        client,
        "POST",
        f"{path}/messages",
        json={"text": "確認します"},
        openapi_path="/api/tickets/{ticket_id}/messages",
    )
    assert (status, body["error"]) == (409, "ticket_not_claimed") and rasa.calls == []

    status, body = await call(client, "POST", f"{path}/claim", openapi_path="/api/tickets/{ticket_id}/claim")
    assert status == 200 and (body["ticket"]["status"], body["ticket"]["agent"]) == ("claimed", "agent-a")

    status, body = await call(
        client,
        "POST",
        f"{path}/messages",
        json={"text": "  お待たせしました。確認します。 "},
        openapi_path="/api/tickets/{ticket_id}/messages",
    )
    assert status == 201
    said = responses["utter_agent_message"].format(text="お待たせしました。確認します。")
    assert rasa.calls == [("say", "web-1", "socketio", "agent-a", "お待たせしました。確認します。", said)]

    status, body = await call(client, "POST", f"{path}/close", openapi_path="/api/tickets/{ticket_id}/close")
    assert status == 200 and body["ticket"]["status"] == "closed"
    assert rasa.calls[-1] == ("resume", "web-1", "socketio", responses["utter_handoff_closed"], "utter_handoff_closed")
    status, body = await call(client, "GET", "/api/tickets")
    assert body["tickets"] == []


async def test_one_agent_per_ticket(client, database, rasa):
    ticket = new_ticket(database)
    path = f"/api/tickets/{ticket.id}"
    assert (await call(client, "POST", f"{path}/claim", openapi_path="/api/tickets/{ticket_id}/claim"))[0] == 200
    for method, suffix, kwargs in [
        ("POST", "/claim", {}),
        ("POST", "/messages", {"json": {"text": "横から"}}),
        ("POST", "/close", {}),
    ]:
        status, body = await call(
            client, method, path + suffix, agent="agent-b", openapi_path="/api/tickets/{ticket_id}" + suffix, **kwargs
        )
        assert (status, body["error"]) == (409, "ticket_taken")
    assert rasa.calls == []


async def test_a_closed_ticket_stays_closed(client, database, rasa):
    ticket = new_ticket(database)
    path = f"/api/tickets/{ticket.id}"
    await call(client, "POST", f"{path}/close", openapi_path="/api/tickets/{ticket_id}/close")
    for suffix in ("/claim", "/close"):
        status, body = await call(client, "POST", path + suffix, openapi_path="/api/tickets/{ticket_id}" + suffix)
        assert (status, body["error"]) == (409, "ticket_closed")
    assert len(rasa.calls) == 1


async def test_when_rasa_cannot_resume_the_ticket_stays_open_to_try_again(client, database, rasa):
    ticket = new_ticket(database)
    rasa.failing = True
    status, body = await call(
        client, "POST", f"/api/tickets/{ticket.id}/close", openapi_path="/api/tickets/{ticket_id}/close"
    )
    assert (status, body["error"]) == (502, "rasa_unavailable")
    with session_scope(database) as session:
        assert tickets.get_ticket(session, ticket.id).status != "closed"
    rasa.failing = False
    assert (
        await call(client, "POST", f"/api/tickets/{ticket.id}/close", openapi_path="/api/tickets/{ticket_id}/close")
    )[0] == 200


async def test_a_rest_customer_cannot_be_written_to_and_the_agent_is_told_to_mail(client, database, rasa):
    ticket = new_ticket(database, channel="rest")
    path = f"/api/tickets/{ticket.id}"
    await call(client, "POST", f"{path}/claim", openapi_path="/api/tickets/{ticket_id}/claim")
    status, body = await call(
        client,
        "POST",
        f"{path}/messages",
        json={"text": "確認します"},
        openapi_path="/api/tickets/{ticket_id}/messages",
    )
    assert (status, body["error"]) == (409, "channel_cannot_receive")
    assert "customer@example.jp" in body["message"] and rasa.calls == []


@pytest.mark.parametrize(
    "kwargs, status, code",
    [
        ({"json": {}}, 400, "text_required"),
        ({"json": {"text": "   "}}, 400, "text_required"),
        ({"json": {"text": 5}}, 400, "text_required"),
        ({"json": ["確認します"]}, 400, "text_required"),
        ({"json": {"text": "あ" * 2001}}, 400, "text_too_long"),
        ({"data": "{not json", "headers": {"Content-Type": "application/json"}}, 400, "bad_json"),
        (
            {"data": "text=確認します", "headers": {"Content-Type": "application/x-www-form-urlencoded"}},
            415,
            "json_only",
        ),
    ],
)
async def test_bad_messages_are_refused_with_a_reason_and_nothing_is_sent(client, database, rasa, kwargs, status, code):
    ticket = new_ticket(database)
    await call(client, "POST", f"/api/tickets/{ticket.id}/claim", openapi_path="/api/tickets/{ticket_id}/claim")
    got, body = await call(
        client, "POST", f"/api/tickets/{ticket.id}/messages", openapi_path="/api/tickets/{ticket_id}/messages", **kwargs
    )
    assert (got, body["error"]) == (status, code)
    assert rasa.calls == []


@pytest.mark.parametrize("ticket_id", ["999999", "abc", "-1", "1e3", "99999999999999999999"])
async def test_unknown_tickets_are_404(client, database, ticket_id):
    for method, suffix in [("GET", ""), ("POST", "/claim"), ("POST", "/close")]:
        response = await client.request(method, f"/api/tickets/{ticket_id}{suffix}", headers=as_agent("agent-a"))
        assert response.status == 404
        assert (await response.json())["error"] in ("unknown_ticket", "http_error")


async def test_a_body_too_large_is_refused_without_a_traceback(client, database):
    ticket = new_ticket(database)
    await client.post(f"/api/tickets/{ticket.id}/claim", headers=as_agent("agent-a"))
    headers = {**as_agent("agent-a"), "Content-Type": "application/json"}
    response = await client.post(f"/api/tickets/{ticket.id}/messages", data=b"x" * (128 * 1024), headers=headers)
    assert response.status == 413
    assert "Traceback" not in await response.text()
