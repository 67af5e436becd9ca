"""Renewal reminders end to end: asked for in the chat of the running bot, sent by `python -m bot.runtime.reminders`,
stopped from the reminder's own button (LINE) or by a message (web chat). The bot's day is 2026-11-22."""

import os
import subprocess
import sys

from sqlalchemy import select

from bot.store import db
from bot.store import models as m
from line_helpers import in_group, new_user_id, postback_event, text_event
from project_helpers import ROOT, body, mails_to, post
from test_line_e2e import answer


def run_job(bot, line_api):
    env = {
        **os.environ,
        **line_api.bot_environment(),
        "DATABASE_URL": bot["database_url"],
        "BOT_NOW": "2026-11-22T10:00",
    }
    result = subprocess.run(
        [sys.executable, "-m", "bot.runtime.reminders"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr[-2000:]
    return result.stdout


def subscriptions(bot):
    with db.session_scope(bot["database_url"]) as session:
        return [(s.channel, s.address, s.owner_email) for s in session.scalars(select(m.ReminderSubscription))]


async def test_on_line_a_verified_customer_opts_in_gets_one_push_and_stops_it_from_its_button(bot, line_api, responses):
    user = new_user_id()
    asked = await answer(bot, line_api, text_event("契約が切れる前にLINEでお知らせしてもらえますか", user))
    assert asked.texts == [responses["utter_ask_verify_form_email"]]
    await answer(bot, line_api, text_event("kobayashi@example.jp", user))
    done = await answer(bot, line_api, text_event("VBCL-9034-1178-5520-6631", user))
    assert done.texts == [responses["utter_verified"], responses["utter_reminders_on_line"]]
    assert (m.REMINDER_BY_LINE, user, "kobayashi@example.jp") in subscriptions(bot)

    assert "LINE 1 件" in run_job(bot, line_api)
    [push] = [call for call in line_api.delivered(user) if call.path.endswith("/push")]
    assert push.cards == [
        {
            "シリアル番号": "VBCL-****-****-****-6631",
            "製品": "ウイルスバスター クラウド",
            "有効期限": "2025年8月31日",
            "お手続き": "2027年8月31日まで",
        }
    ]
    assert "LINE 0 件" in run_job(bot, line_api)  # the same day again: nothing

    buttons = {
        item["action"]["label"]: item["action"]["data"] for item in push.body["messages"][-1]["quickReply"]["items"]
    }
    # The renewal button gives the serial (the customer is still verified in this session): only the years are asked.
    renew = await answer(bot, line_api, postback_event(buttons["更新を申し込む"], user))
    assert renew.texts == [responses["utter_ask_renewal_form_renewal_years"]]
    await answer(bot, line_api, text_event("やめます", user))
    stopped = await answer(bot, line_api, postback_event(buttons["お知らせ停止"], user))
    assert stopped.texts == [responses["utter_reminders_stopped"]]
    assert [s for s in subscriptions(bot) if s[1] == user] == []
    again = await answer(bot, line_api, text_event("更新のお知らせを停止してください", user))
    assert again.texts == [responses["utter_reminders_none"]]


async def test_in_a_line_group_reminders_are_refused_before_anyone_types_an_address(bot, line_api, responses):
    event = text_event("更新時期が近づいたら知らせてください", new_user_id())
    group = in_group(event)
    reply = await answer(bot, line_api, event)
    assert reply.texts == [responses["utter_reminders_not_in_group"]]
    assert [s for s in subscriptions(bot) if s[1] == group] == []


def test_from_the_web_chat_reminders_come_by_mail_once_and_stop_by_a_message(bot, line_api, responses):
    # Not nakamura: the renewal application's test counts the mails that address receives.
    sender, customer = "e2e-reminders-web", "watanabe@example.jp"

    def say(text):
        return [reply.get("text") for reply in post(bot["rasa_port"], sender, text)]

    assert say("有効期限が近くなったらメールで通知してほしいです") == [responses["utter_ask_verify_form_email"]]
    assert say(f"{customer} TSPM-5518-2093-6674-1180") == [
        responses["utter_verified"],
        responses["utter_reminders_by_mail"].format(email=customer),
    ]

    assert "メール 1 件" in run_job(bot, line_api)
    assert "メール 0 件" in run_job(bot, line_api)
    [mail] = mails_to(bot, customer)
    # トータルセキュリティ has no renewal limit: ended in 2022, it still gets its one after-end reminder.
    assert mail["Subject"] == responses["utter_reminder_mail_subject"]
    text = body(mail)
    assert "TSPM-****-****-****-1180" in text and "2022年4月30日に有効期限が過ぎました" in text
    assert "期間の制限はありません" in text

    assert say("更新のお知らせはもう要りません") == [responses["utter_reminders_stopped"]]
    assert [s for s in subscriptions(bot) if s[1] == customer] == []
