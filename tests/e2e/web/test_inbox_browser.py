"""A handoff seen from both sides in Debian's chromium: the customer in the web chat, the agent in the inbox."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from project_helpers import AGENT_TOKENS
from webchat_helpers import REPLY_TIMEOUT_MS, SCREENSHOTS, ChatPage

QUESTION = "振込用紙はいつ届きますか"
SERIAL = "VBCL-4821-7730-1956-2204"


def inbox_page(context, bot) -> Page:
    page = context.new_page()
    outside = []
    page.route(
        "**/*",
        lambda route: (
            route.continue_()
            if route.request.url.startswith("http://127.0.0.1")
            else (outside.append(route.request.url), route.abort())
        ),
    )
    page.goto(f"http://127.0.0.1:{bot['inbox_port']}/")
    page.outside_requests = outside
    return page


def sign_in(page: Page, token: str) -> None:
    page.fill("#token", token)
    page.click("#sign-in-button")


def test_an_agent_takes_over_a_web_chat_and_hands_it_back(context, bot, responses):
    chat = ChatPage(context).open(f"http://127.0.0.1:{bot['web_port']}/").open_chat()
    chat.send(QUESTION)
    chat.expect_bot_message(responses["utter_faq/renewal_slip_arrival"])
    chat.send("担当者と話したいです")
    chat.expect_bot_message(responses["utter_ask_handoff_form_contact_email"])
    chat.send("web-customer@example.jp")
    chat.expect_bot_message(responses["utter_ask_handoff_form_handoff_identifier"])
    chat.send(SERIAL)
    chat.expect_bot_message(responses["utter_ask_handoff_form_handoff_consent"])
    chat.page.locator(".rw-reply", has_text="はい").click()
    created = chat.expect_bot_message("担当者にお引き継ぎしました").inner_text()
    number = created.split("受付番号 ")[1].split(")")[0]

    agent = inbox_page(context, bot)
    expect(agent.locator("#sign-in")).to_be_visible()
    sign_in(agent, "wrong-token-0123456789")
    expect(agent.locator("#error")).to_have_text("担当者のトークンが必要です。")
    expect(agent.locator("#inbox")).to_be_hidden()

    sign_in(agent, AGENT_TOKENS["agent-a"])
    expect(agent.locator("#who")).to_have_text("担当者: agent-a")
    row = agent.locator("#tickets tr", has_text=number)
    expect(row).to_contain_text("契約更新・支払い")
    row.click()
    expect(agent.locator("#facts")).to_contain_text(QUESTION)
    expect(agent.locator("#facts")).to_contain_text("VBCL-****-****-****-2204")
    expect(agent.locator("#facts")).to_contain_text("web-customer@example.jp")
    # The widget's opening /greet is not shown as something the customer said.
    expect(agent.locator("#transcript li.who-customer").first).to_have_text(f"お客さま: {QUESTION}")
    assert SERIAL not in agent.locator("#detail").inner_text()
    expect(agent.locator("#send")).to_be_disabled()  # not claimed yet

    agent.click("#claim")
    expect(agent.locator("#send")).to_be_enabled()
    agent.fill("#message", "お待たせしました。担当の者です。振込用紙の発送状況をお調べします。")
    agent.click("#send")
    chat.expect_bot_message("担当者: お待たせしました。担当の者です。振込用紙の発送状況をお調べします。")

    # While the agent has the chat, the bot says nothing; the customer's words reach the agent.
    replies_before = len(chat.bot_messages())
    chat.send("よろしくお願いします<b>!</b>")
    expect(agent.locator("#conversation li").last).to_have_text(
        "お客さま: よろしくお願いします<b>!</b>", timeout=REPLY_TIMEOUT_MS
    )
    assert agent.locator("#conversation b").count() == 0  # shown as text
    assert len(chat.bot_messages()) == replies_before

    SCREENSHOTS.mkdir(exist_ok=True)
    agent.screenshot(path=str(SCREENSHOTS / "inbox.png"), full_page=True)

    agent.click("#close")
    expect(agent.locator("#tickets tr", has_text=number)).to_have_count(0)
    chat.expect_bot_message("担当者との対応を終了しました。")
    chat.send("パスワードを忘れました")
    chat.expect_bot_message(responses["utter_faq/portal_forgot_password"])
    chat.page.screenshot(path=str(SCREENSHOTS / "webchat-after-handoff.png"))
    assert chat.outside_requests == [] and agent.outside_requests == []
    assert chat.console_errors == []
