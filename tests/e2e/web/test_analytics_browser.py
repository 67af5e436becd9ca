"""The analytics page in Debian's chromium: a supervisor sees exactly the seeded figures and drawn charts;
an agent without the role sees why, and no figures."""

from __future__ import annotations

import asyncio
import threading
from typing import Dict, List

import pytest
from aiohttp import web
from playwright.sync_api import Page, expect

from analytics_seed import EXPECTED_CELLS, EXPECTED_TOTAL, seed
from bot.handoff.inbox import make_app
from bot.handoff.rasa_api import RasaApi
from bot.store.db import dispose_engines, upgrade_to_head
from project_helpers import free_port
from webchat_helpers import SCREENSHOTS

AGENTS = {"lead": "lead-token-0123456789abc", "agent-b": "agent-b-token-0123456789"}
CHANNEL_LABELS = {"socketio": "Webチャット", "line": "LINE", "rest": "REST API"}
COLUMNS = ["engaged", "resolved", "handed_over", "abandoned", "ongoing", "customer_messages", "fallback_rate", "csat"]


class InboxInThread:
    """The inbox app served from a thread of the test process, on a free port."""

    def __init__(self, app: web.Application) -> None:
        self.app, self.port = app, free_port()
        self.loop = asyncio.new_event_loop()
        self._started = threading.Event()
        self._thread = threading.Thread(target=self._serve, name="inbox", daemon=True)

    def __enter__(self) -> "InboxInThread":
        self._thread.start()
        assert self._started.wait(10), "the inbox did not start"
        return self

    def __exit__(self, *exc_info) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(10)

    def _serve(self) -> None:
        asyncio.set_event_loop(self.loop)
        runner = web.AppRunner(self.app)
        self.loop.run_until_complete(runner.setup())
        self.loop.run_until_complete(web.TCPSite(runner, "127.0.0.1", self.port).start())
        self._started.set()
        self.loop.run_forever()
        self.loop.run_until_complete(runner.cleanup())


@pytest.fixture
def inbox(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'bot.db'}"
    upgrade_to_head(url)
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("BOT_NOW", "2026-11-22T12:00")
    app = make_app(AGENTS, RasaApi("http://127.0.0.1:9", "unused"), supervisors={"lead"}, tracker_store=url)
    with InboxInThread(app) as server:
        # In the server's loop: Playwright's own runs in this thread.
        asyncio.run_coroutine_threadsafe(seed(url, url), server.loop).result(60)
        yield f"http://127.0.0.1:{server.port}"
    dispose_engines()


def open_page(context, url: str) -> Page:
    page = context.new_page()
    page.outside_requests, page.console_errors = [], []
    page.route(
        "**/*",
        lambda route: (
            route.continue_()
            if route.request.url.startswith("http://127.0.0.1")
            else (page.outside_requests.append(route.request.url), route.abort())
        ),
    )
    # A Content-Security-Policy violation is reported as a console error.
    page.on("console", lambda message: message.type == "error" and page.console_errors.append(message.text))
    page.on("pageerror", lambda error: page.console_errors.append(str(error)))
    page.goto(url)
    return page


def sign_in(page: Page, agent: str) -> None:
    page.fill("#token", AGENTS[agent])
    page.click("#sign-in-button")


def shown(figures: Dict) -> List[str]:
    """The figures as the page writes them."""
    texts = [str(figures[key]) for key in COLUMNS[:6]]
    texts.append("―" if figures["fallback_rate"] is None else f"{figures['fallback_rate']:.1f}")
    texts.append(f"{figures['csat_mean']:.2f}({figures['csat_count']}件)" if figures["csat_count"] else "―")
    return texts


def painted_pixels(page: Page, canvas_id: str) -> int:
    return page.evaluate(
        """(id) => {
        const canvas = document.getElementById(id);
        const pixels = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
        let painted = 0;
        for (let i = 3; i < pixels.length; i += 4) { if (pixels[i] > 0) painted++; }
        return painted;
    }""",
        canvas_id,
    )


def test_a_supervisor_sees_the_seeded_figures_and_the_charts(context, inbox):
    page = open_page(context, f"{inbox}/")
    sign_in(page, "lead")
    page.click("#analytics-link")
    expect(page.locator("#analytics")).to_be_visible()
    expect(page.locator("#period")).to_have_text("2026-11-09 〜 2026-11-22(日本時間)")

    page.fill("#from", "2026-11-21")
    page.fill("#to", "2026-11-22")
    page.click("#show")
    expect(page.locator("#period")).to_have_text("2026-11-21 〜 2026-11-22(日本時間)")

    total = EXPECTED_TOTAL
    expect(page.locator("#total-engaged")).to_have_text("6")
    expect(page.locator("#total-resolved")).to_have_text("3(50%)")
    expect(page.locator("#total-handed_over")).to_have_text("1(17%)")
    expect(page.locator("#total-abandoned")).to_have_text("1(17%)")
    expect(page.locator("#total-ongoing")).to_have_text("1(17%)")
    expect(page.locator("#total-fallback_rate")).to_have_text(f"{total['fallback_rate']:.1f}件")
    expect(page.locator("#total-csat")).to_have_text("4.00(2件)")

    rows = page.locator("#by-day-and-channel tr")
    expect(rows).to_have_count(len(EXPECTED_CELLS))
    for (day, channel), figures in EXPECTED_CELLS.items():
        row = page.locator(f'#by-day-and-channel tr[data-day="{day}"][data-channel="{channel}"] td')
        expect(row).to_have_text([day, CHANNEL_LABELS[channel], *shown(figures)])
    expect(page.locator('#by-channel tr[data-channel="line"] td')).to_have_text(
        ["LINE", "2", "1", "0", "1", "0", "6", "16.7", "3.00(1件)"]
    )
    expect(page.locator('#reasons tr[data-reason="repeated_fallback"] td')).to_have_text(
        ["ボットがご質問を2回続けて理解できず", "1"]
    )

    # Drawn by Chart.js from the inbox's own copy, with the figures of each day.
    bars = page.evaluate("() => Chart.getChart('outcomes-chart').data.datasets.map((set) => set.data)")
    assert bars == [[1, 2], [1, 0], [1, 0], [0, 1]]
    for canvas in ("outcomes-chart", "quality-chart"):
        assert page.locator(f"#{canvas}").bounding_box()["height"] > 100
        assert painted_pixels(page, canvas) > 2000, canvas

    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "analytics.png"), full_page=True)
    assert page.outside_requests == [] and page.console_errors == []


def test_an_agent_without_the_role_sees_why_and_no_figures(context, inbox):
    page = open_page(context, f"{inbox}/")
    sign_in(page, "agent-b")
    expect(page.locator("#who")).to_have_text("担当者: agent-b")
    expect(page.locator("#analytics-link")).to_be_hidden()

    page.goto(f"{inbox}/analytics")
    expect(page.locator("#error")).to_have_text("分析は監督者の方のみご覧いただけます。受付箱へお戻りください。")
    expect(page.locator("#analytics")).to_be_hidden()
    assert page.locator("#total-engaged").text_content() == ""
    assert page.locator("[data-figure]").count() == 0
    assert page.evaluate("() => Chart.getChart('outcomes-chart')") is None
    page.screenshot(path=str(SCREENSHOTS / "analytics-refused.png"), full_page=True)
    assert page.outside_requests == [] and page.console_errors == []
