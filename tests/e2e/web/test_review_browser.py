"""The review queue in Debian's chromium: a supervisor reaches it from the inbox and the analytics page,
sees the seeded groups masked, labels a group and one message, which leave the queue, and exports the
labels; an agent without the role sees why, and no messages."""

from __future__ import annotations

import asyncio

import pytest
import yaml
from playwright.sync_api import expect

from bot.handoff.inbox import make_app
from bot.handoff.rasa_api import RasaApi
from bot.store.db import dispose_engines, upgrade_to_head
from review_seed import EXPECTED_GROUPS, PERSONAL_MASKED, RECEIPTS, SERIAL_QUESTION_MASKED, seed
from test_analytics_browser import AGENTS, InboxInThread, open_page, sign_in
from webchat_helpers import SCREENSHOTS


@pytest.fixture
def inbox(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'bot.db'}"
    upgrade_to_head(url)
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("BOT_NOW", "2026-11-22T12:00")
    app = make_app(AGENTS, RasaApi("http://127.0.0.1:9", "unused"), supervisors={"lead"}, tracker_store=url)
    with InboxInThread(app) as server:
        # In the server's loop: Playwright's own runs in this thread.
        asyncio.run_coroutine_threadsafe(seed(url), server.loop).result(60)
        yield f"http://127.0.0.1:{server.port}"
    dispose_engines()


def group_texts(page):
    return [tuple(group.locator("td.text").all_text_contents()) for group in page.locator(".group").all()]


def test_a_supervisor_labels_a_group_and_a_message_and_exports_them(context, inbox):
    page = open_page(context, f"{inbox}/")
    sign_in(page, "lead")
    page.click("#review-link")
    expect(page.locator("#review")).to_be_visible()
    expect(page.locator("#period")).to_have_text("2026-11-09 〜 2026-11-22(日本時間)")

    page.fill("#from", "2026-11-21")
    page.fill("#to", "2026-11-22")
    page.click("#show")
    expect(page.locator("#period")).to_have_text("2026-11-21 〜 2026-11-22(日本時間)")
    expect(page.locator("#summary")).to_have_text("見直し待ち 8件(新しい順に8件を6グループで表示)")
    expect(page.locator(".group")).to_have_count(len(EXPECTED_GROUPS))
    assert group_texts(page) == EXPECTED_GROUPS
    expect(page.locator(".group h2").first).to_have_text("グループ1(3件)")

    # What the bot read and why, on the row of the receipt it answered unsure and then saw a person asked for.
    row = page.locator(".group tr", has_text=RECEIPTS[1]).locator("td")
    expect(row).to_have_text(
        [
            "11/22 09:00",
            "REST API",
            RECEIPTS[1],
            "ガイドの回答「支払い後の手続き」(0.62)",
            "読み取りに自信がなかった、回答のあと「違う」・担当者希望の返信があった次のメッセージ:「担当者と話したい」",
            "このメッセージだけに付ける",
        ]
    )
    expect(page.locator(".group tr", has_text="あれがこうなって").locator("td")).to_have_text(
        ["11/21 14:00", "LINE", "あれがこうなって", "理解できず", "理解できなかった", ""]
    )
    expect(page.locator("#unsure-below")).to_have_text("0.9")
    # Masked on the page too.
    expect(page.locator(".group td.text", has_text="〈メールアドレス〉")).to_have_text(PERSONAL_MASKED)
    content = page.content()
    for secret in ("taro@example.jp", "4821", "03-1234-5678", "千代田1-1"):
        assert secret not in content
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "review-queue.png"), full_page=True)

    # The whole group at once: nothing to press before a label is chosen.
    first = page.locator('.group[data-group="1"]')
    expect(first.locator("button.all")).to_be_disabled()
    first.locator("select").select_option("out_of_scope")
    first.locator("button.all").click()
    expect(page.locator("#done")).to_have_text("3件に「ガイドにない」を付けました。")
    expect(page.locator(".group")).to_have_count(len(EXPECTED_GROUPS) - 1)
    assert group_texts(page) == EXPECTED_GROUPS[1:]
    expect(page.locator("#summary")).to_have_text("見直し待ち 5件(新しい順に5件を5グループで表示)")

    # One message of a group, from the analytics page's link; the ignored one is not exported.
    page.goto(f"{inbox}/analytics")
    page.click("#review-link")
    # Back to the last two weeks: the message of 11-20 joins its look-alike of 11-21.
    expect(page.locator(".group")).to_have_count(len(EXPECTED_GROUPS) - 1)
    assert group_texts(page)[0] == ("あれがこうなって", "だからあれです")
    pair = page.locator('.group[data-group="1"]')
    pair.locator("select").select_option("ignore")
    pair.locator("tr", has_text="だからあれです").locator("button.one").click()
    expect(page.locator("#done")).to_have_text("1件に「無視」を付けました。")
    expect(page.locator(".group td.text", has_text="だからあれです")).to_have_count(0)
    expect(page.locator(".group td.text", has_text="あれがこうなって")).to_have_count(1)
    # A group of one has its one button.
    serial = page.locator(".group", has_text=SERIAL_QUESTION_MASKED)
    expect(serial.locator("button.one")).to_have_count(0)
    serial.locator("select").select_option("check_renewal")
    serial.locator("button.all").click()
    expect(page.locator("#done")).to_have_text("1件に「契約更新できるかの確認」を付けました。")
    expect(page.locator(".group td.text", has_text=SERIAL_QUESTION_MASKED)).to_have_count(0)

    with page.expect_download() as waiting:
        page.click("#export")
    download = waiting.value
    assert download.suggested_filename == "reviewed.yml"
    exported = yaml.safe_load(open(download.path(), encoding="utf-8").read())
    assert exported["version"] == "3.1"
    assert {item["intent"]: item["examples"] for item in exported["nlu"]} == {
        "check_renewal": f"- {SERIAL_QUESTION_MASKED}\n",
        "out_of_scope": "".join(f"- {text}\n" for text in RECEIPTS),
    }
    expect(page.locator("#done")).to_have_text(
        "学習データ(reviewed.yml)を書き出しました。data/nlu/ に置くと次の学習で使われます。"
    )

    page.screenshot(path=str(SCREENSHOTS / "review.png"), full_page=True)
    assert page.outside_requests == [] and page.console_errors == []


def test_an_agent_without_the_role_sees_why_and_no_messages(context, inbox):
    page = open_page(context, f"{inbox}/")
    sign_in(page, "agent-b")
    expect(page.locator("#who")).to_have_text("担当者: agent-b")
    expect(page.locator("#review-link")).to_be_hidden()

    page.goto(f"{inbox}/review")
    expect(page.locator("#error")).to_have_text("見直しは監督者の方のみご利用いただけます。受付箱へお戻りください。")
    expect(page.locator("#review")).to_be_hidden()
    assert page.locator(".group").count() == 0 and RECEIPTS[0] not in page.content()
    page.screenshot(path=str(SCREENSHOTS / "review-refused.png"), full_page=True)
    assert page.outside_requests == [] and page.console_errors == []
