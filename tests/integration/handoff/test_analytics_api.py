"""The analytics API and page of the inbox on a real database: supervisors only, figures exactly as seeded,
dates checked; every answer checked against the inbox's OpenAPI description."""

from __future__ import annotations

import subprocess
import sys

import pytest
from aiohttp.test_utils import TestClient, TestServer

from analytics_seed import EXPECTED_CELLS, EXPECTED_TOTAL, seed
from bot.handoff.inbox import OPENAPI, make_app
from bot.handoff.rasa_api import RasaApi
from openapi_schema import response_errors
from project_helpers import ROOT

AGENTS = {"lead": "lead-token-0123456789abc", "agent-b": "agent-b-token-0123456789"}
RANGE = "/api/analytics?from=2026-11-21&to=2026-11-22"


@pytest.fixture
async def client(migrated_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", migrated_url)
    monkeypatch.setenv("BOT_NOW", "2026-11-22T12:00")
    await seed(migrated_url, migrated_url)
    # Rasa's API is never asked for analytics: a port nobody listens on.
    app = make_app(AGENTS, RasaApi("http://127.0.0.1:9", "unused"), supervisors={"lead"}, tracker_store=migrated_url)
    async with TestClient(TestServer(app)) as test_client:
        yield test_client


async def call(client, path, agent="lead", headers=None):
    headers = headers if headers is not None else ({"Authorization": f"Bearer {AGENTS[agent]}"} if agent else {})
    response = await client.get(path, headers=headers)
    body = await response.json()
    assert response_errors(OPENAPI, path.split("?")[0], "GET", response.status, body) == [], body
    assert response.headers["Content-Security-Policy"].startswith("default-src 'self'")
    return response.status, body


@pytest.mark.parametrize(
    "headers", [{}, {"Authorization": "Bearer not-an-agent-token-0123"}, {"Authorization": f"Basic {AGENTS['lead']}"}]
)
async def test_no_agent_token_no_figures(client, headers):
    status, body = await call(client, RANGE, headers=headers)
    assert status == 401 and body["error"] == "unauthorized" and "engaged" not in body


async def test_an_agent_without_the_supervisor_role_is_refused(client):
    status, body = await call(client, RANGE, agent="agent-b")
    assert status == 403
    assert body == {"error": "supervisors_only", "message": "分析は監督者の方のみご覧いただけます。"}


async def test_a_supervisor_gets_the_seeded_figures(client):
    status, body = await call(client, RANGE)
    assert status == 200
    assert body["total"] == EXPECTED_TOTAL
    cells = {(row.pop("day"), row.pop("channel")): row for row in body["by_day_and_channel"]}
    assert cells == EXPECTED_CELLS
    assert body["labels"]["channels"]["socketio"] == "Webチャット"


async def test_without_dates_the_last_two_weeks_to_today(client):
    status, body = await call(client, "/api/analytics")
    assert status == 200 and (body["from"], body["to"]) == ("2026-11-09", "2026-11-22") and len(body["by_day"]) == 14


@pytest.mark.parametrize(
    "query, words",
    [
        ("from=2026-11-21&to=22", "終了日 (to) は YYYY-MM-DD"),
        ("from=21-11-2026&to=2026-11-22", "開始日 (from) は YYYY-MM-DD"),
        ("from=&to=2026-11-22", "開始日 (from) は YYYY-MM-DD"),
        ("from=2026-11-23&to=2026-11-22", "開始日 (from) は終了日 (to) より前の日付"),
        ("from=2020-01-01&to=2026-11-22", "期間は366日以内"),
        ("from=2026-11-21&to=99999-01-01", "終了日 (to) は YYYY-MM-DD"),
    ],
)
async def test_dates_that_cannot_be_read_get_a_400_saying_why(client, query, words):
    status, body = await call(client, f"/api/analytics?{query}")
    assert status == 400 and body["error"] == "bad_dates" and words in body["message"], body


async def test_who_am_i_says_whether_the_agent_is_a_supervisor(client):
    assert await call(client, "/api/me") == (200, {"agent": "lead", "supervisor": True})
    assert await call(client, "/api/me", agent="agent-b") == (200, {"agent": "agent-b", "supervisor": False})


async def test_the_page_and_its_script_need_no_token_and_carry_the_definitions(client):
    page = await client.get("/analytics")
    text = await page.text()
    assert page.status == 200 and page.headers["Content-Type"].startswith("text/html")
    assert page.headers["Content-Security-Policy"].startswith("default-src 'self'; script-src 'self'")
    for term in ("対応した会話", "担当者なしで解決", "担当者に引き継ぎ", "途中で離脱", "30分", "100件あたり", "満足度"):
        assert term in text, term
    # Scripts only as files of this server: no inline script, nothing from elsewhere.
    assert '<script src="/vendor/chart.umd.min.js"></script>' in text
    assert '<script src="/analytics.js"></script>' in text
    assert '<script src="/session.js"></script>' in text
    assert text.count("<script") == 3 and "http" not in text
    script = await client.get("/analytics.js")
    assert script.status == 200 and script.headers["Content-Type"].startswith("text/javascript")


def test_an_unknown_supervisor_stops_the_inbox_at_start():
    env = {"PATH": "/usr/bin:/bin", "BOT_AGENT_TOKENS": f"lead={AGENTS['lead']}", "BOT_SUPERVISORS": "lead,suzuki"}
    done = subprocess.run(
        [sys.executable, "-m", "bot.handoff.inbox", "--port", "9"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "BOT_SUPERVISORS: expected names of agents, got 'suzuki', not in BOT_AGENT_TOKENS" in done.stderr
