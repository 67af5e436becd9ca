"""A LINE customer handed to a person, through the running bot, the inbox and the LINE API stand-in."""

import asyncio

from line_helpers import PUSH_PATH, SECRET, callback_body, new_user_id, post_webhook, sign, text_event
from project_helpers import inbox


async def say(bot, line_api, user, text):
    """Send a LINE text message; the texts of the reply it gets (none while a person has the chat)."""
    event = text_event(text, user)
    body = callback_body(event)
    url = f"http://127.0.0.1:{bot['rasa_port']}/webhooks/line/webhook"
    assert await post_webhook(url, body, sign(SECRET, body)) == 200
    try:
        await line_api.wait_for(lambda calls: any(call.to == event["replyToken"] for call in calls), timeout=20)
    except AssertionError:
        return []
    return [text for call in line_api.delivered(event["replyToken"]) for text in call.texts]


async def pushes(line_api, user, count):
    await line_api.wait_for(lambda calls: len([c for c in calls if c.path == PUSH_PATH and c.to == user]) >= count)
    return [text for call in line_api.delivered(user) if call.path == PUSH_PATH for text in call.texts]


async def test_an_agent_talks_to_a_line_customer_and_gives_the_chat_back_to_the_bot(bot, line_api, responses):
    user = new_user_id()
    await say(bot, line_api, user, "振込用紙はいつ届きますか")
    replies = await say(bot, line_api, user, "担当者と話したいです")
    assert replies[-1] == responses["utter_ask_handoff_form_contact_email"]
    await say(bot, line_api, user, "line-customer@example.jp")
    await say(bot, line_api, user, "わからない")
    [created] = await say(bot, line_api, user, "はい")
    number = created.split("受付番号 ")[1].split(")")[0]
    # On LINE the ticket number comes as a card; its altText is the sentence the web chat shows.
    [reply] = [call for call in line_api.delivered() if call.path != PUSH_PATH and created in call.texts]
    assert reply.cards[-1]["受付番号"] == number

    # The bot is quiet now; what the customer writes waits for the agent.
    assert await say(bot, line_api, user, f"{number} の件、よろしくお願いします") == []
    status, body = inbox(bot, "GET", "/api/tickets")
    [ticket] = [t for t in body["tickets"] if t["number"] == number]
    assert (ticket["channel"], ticket["category"], ticket["can_message"]) == ("line", "契約更新・支払い", True)
    status, detail = inbox(bot, "GET", f"/api/tickets/{ticket['id']}")
    assert detail["ticket"]["contact_email"] == "line-customer@example.jp"
    assert detail["conversation"][-1] == {"who": "customer", "text": f"{number} の件、よろしくお願いします"}

    assert inbox(bot, "POST", f"/api/tickets/{ticket['id']}/claim")[0] == 200
    assert (
        inbox(
            bot,
            "POST",
            f"/api/tickets/{ticket['id']}/messages",
            body={"text": "お待たせしました。振込用紙は本日発送しました。"},
        )[0]
        == 201
    )
    assert await pushes(line_api, user, 1) == ["担当者: お待たせしました。振込用紙は本日発送しました。"]
    assert inbox(bot, "GET", f"/api/tickets/{ticket['id']}")[1]["conversation"][-1] == {
        "who": "agent",
        "agent": "agent-a",
        "text": "お待たせしました。振込用紙は本日発送しました。",
    }

    assert inbox(bot, "POST", f"/api/tickets/{ticket['id']}/close")[0] == 200
    closing = await pushes(line_api, user, 3)
    assert closing[-2].startswith("担当者との対応を終了しました。")
    # Then, once, how helpful it was.
    assert closing[-1] == responses["utter_ask_csat"]
    await asyncio.sleep(0.5)
    replies = await say(bot, line_api, user, "パスワードを忘れました")
    assert responses["utter_faq/portal_forgot_password"] in replies
