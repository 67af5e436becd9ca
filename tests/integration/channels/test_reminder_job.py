"""`make remind`: the daily renewal reminders, against a real database and the LINE API stand-in.

Every push body is checked against LINE's schema by the stand-in (the `stand_in` fixture fails
a test in which LINE would have refused one).
"""

import asyncio
import os
import subprocess
import sys
from datetime import date

import pytest
from sqlalchemy import select

from bot.domain.vocabulary import CLOUD
from bot.runtime.reminders import run_once
from bot.store import db, repository
from bot.store import models as m
from line_helpers import PUSH_PATH, new_user_id
from project_helpers import ROOT

SOON = "VBCL-1111-2222-3333-4444"  # ends 2027-01-15: in its last 30 days on 2027-01-01
ENDED = "VBCL-5555-6666-7777-8888"  # ended 2026-12-01: still renewable
LATER = "VBCL-9999-0000-1111-2222"  # ends 2030-01-01: nothing to say yet
TOO_LATE = "VBCL-3333-4444-5555-6666"  # ended 2024-11-30: renewal window closed 2026-11-30
OWNER = "owner@example.jp"
MAIL_OWNER = "mailer@example.jp"
DAYTIME = "2027-01-01T10:00"


@pytest.fixture
def database(migrated_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", migrated_url)
    with db.session_scope(migrated_url) as session:
        for serial, expiry, owner in [
            (SOON, date(2027, 1, 15), OWNER),
            (ENDED, date(2026, 12, 1), OWNER),
            (LATER, date(2030, 1, 1), OWNER),
            (TOO_LATE, date(2024, 11, 30), OWNER),
            ("VBCL-7777-8888-9999-0000", date(2027, 1, 20), MAIL_OWNER),
        ]:
            session.add(m.Licence(serial=serial, product=CLOUD, owner_email=owner, expiry=expiry, auto_renewal=False))
    return migrated_url


@pytest.fixture
def line(stand_in, monkeypatch):
    for name, value in stand_in.bot_environment().items():
        monkeypatch.setenv(name, value)
    return stand_in


def subscribe(url, channel, address, owner):
    with db.session_scope(url) as session:
        repository.subscribe_to_reminders(session, channel, address, owner)


def run_at(monkeypatch, moment):
    monkeypatch.setenv("BOT_NOW", moment)
    return asyncio.run(run_once())


def reminders(url):
    with db.session_scope(url) as session:
        return [(r.stage, r.status) for r in session.scalars(select(m.Reminder).order_by(m.Reminder.id))]


def outbox(url):
    with db.session_scope(url) as session:
        return repository.pending_mails(session)


def test_due_reminders_are_pushed_once_each_with_the_serial_masked_and_a_button_to_renew(database, line, monkeypatch):
    user = new_user_id()
    subscribe(database, m.REMINDER_BY_LINE, user, OWNER)

    outcome = run_at(monkeypatch, DAYTIME)

    pushes = line.delivered(user)
    assert outcome.counts["pushed"] == 2 and len(pushes) == 2
    texts = [text for push in pushes for text in push.texts]
    assert texts == [
        "VBCL-****-****-****-8888(ウイルスバスター クラウド)は2026年12月1日に有効期限が過ぎました。"
        "今からでも契約更新のお手続きができます。",
        "VBCL-****-****-****-4444(ウイルスバスター クラウド)は2027年1月15日に有効期限を迎えます。"
        "契約更新のお手続きをお願いします。",
    ]
    assert [push.cards[0]["お手続き"] for push in pushes] == ["2028年12月1日まで", "2029年1月15日まで"]
    bodies = str([push.body for push in pushes])
    for serial in (SOON, ENDED):
        # Only the button's postback carries the whole serial, and LINE shows no postback data.
        assert bodies.count(serial) == 1
    buttons = pushes[1].body["messages"][-1]["quickReply"]["items"]
    assert [(b["action"]["label"], b["action"]["data"]) for b in buttons] == [
        ("更新を申し込む", f'/apply_renewal{{"serial_number": "{SOON}"}}'),
        ("お知らせ停止", "/unsubscribe_reminders"),
    ]
    assert sorted(reminders(database)) == [("after_end", "sent"), ("before_end", "sent")]

    again = run_at(monkeypatch, "2027-01-01T15:00")
    assert (again.counts["pushed"], again.counts["already"]) == (0, 2)
    assert len(line.delivered(user)) == 2


def test_between_21_and_9_nothing_goes_out_and_the_next_daytime_run_sends_it(database, line, monkeypatch):
    user = new_user_id()
    subscribe(database, m.REMINDER_BY_LINE, user, OWNER)
    subscribe(database, m.REMINDER_BY_MAIL, MAIL_OWNER, MAIL_OWNER)

    for night in ("2027-01-01T21:00", "2027-01-02T03:00", "2027-01-02T08:59"):
        assert run_at(monkeypatch, night).counts["quiet"] == 1
    assert line.delivered() == [] and outbox(database) == () and reminders(database) == []

    assert run_at(monkeypatch, "2027-01-02T09:00").counts["pushed"] == 2
    assert len(line.delivered(user)) == 2 and len(outbox(database)) == 1


def test_licences_outside_the_renewal_window_or_far_from_their_end_get_nothing(database, line, monkeypatch):
    user = new_user_id()
    subscribe(database, m.REMINDER_BY_LINE, user, OWNER)
    with db.session_scope(database) as session:
        session.execute(m.Licence.__table__.delete().where(m.Licence.serial.in_([SOON, ENDED])))

    outcome = run_at(monkeypatch, DAYTIME)

    assert outcome.counts["pushed"] == 0 and line.delivered() == [] and reminders(database) == []


def test_a_licence_whose_renewal_is_applied_for_is_not_reminded(database, line, monkeypatch):
    user = new_user_id()
    subscribe(database, m.REMINDER_BY_LINE, user, OWNER)
    with db.session_scope(database) as session:
        repository.create_renewal_order(session, serial=SOON, years=1, applied_on=date(2026, 12, 20))

    run_at(monkeypatch, DAYTIME)

    assert [push.cards[0]["シリアル番号"] for push in line.delivered(user)] == ["VBCL-****-****-****-8888"]


def test_after_opting_out_nothing_is_pushed(database, line, monkeypatch):
    user = new_user_id()
    subscribe(database, m.REMINDER_BY_LINE, user, OWNER)
    with db.session_scope(database) as session:
        assert repository.unsubscribe_from_reminders(session, m.REMINDER_BY_LINE, user)
        assert not repository.unsubscribe_from_reminders(session, m.REMINDER_BY_LINE, user)

    run_at(monkeypatch, DAYTIME)

    assert line.delivered() == []


def test_a_group_never_gets_a_reminder(database, line, monkeypatch):
    subscribe(database, m.REMINDER_BY_LINE, "C" + "0" * 32, OWNER)

    run_at(monkeypatch, DAYTIME)

    assert line.delivered() == []


def test_web_customers_get_one_mail_through_the_outbox_with_the_serial_masked(database, line, monkeypatch):
    subscribe(database, m.REMINDER_BY_MAIL, MAIL_OWNER, MAIL_OWNER)

    assert run_at(monkeypatch, DAYTIME).counts["mailed"] == 1
    assert run_at(monkeypatch, "2027-01-01T16:00").counts["mailed"] == 0

    (mail,) = outbox(database)
    assert (mail.to_address, mail.template, mail.subject) == (
        MAIL_OWNER,
        "renewal_reminder",
        "ウイルスバスター■契約更新のお知らせ",
    )
    assert "VBCL-****-****-****-0000" in mail.body and "VBCL-7777-8888-9999-0000" not in mail.body
    assert "2027年1月20日に有効期限を迎えます" in mail.body and "「お知らせ停止」" in mail.body
    assert line.delivered() == []


def test_pushes_stop_at_the_monthly_limit_and_the_rest_goes_next_month(database, line, monkeypatch):
    user = new_user_id()
    subscribe(database, m.REMINDER_BY_LINE, user, OWNER)
    line.monthly_limit, line.sent_this_month = 500, 499

    outcome = run_at(monkeypatch, DAYTIME)

    assert (outcome.counts["pushed"], outcome.counts["quota"], outcome.trouble) == (1, 1, True)
    assert len(line.delivered(user)) == 1
    line.sent_this_month = 0  # a new month
    assert run_at(monkeypatch, "2027-02-01T10:00").counts["pushed"] == 1
    assert len(line.delivered(user)) == 2


def test_a_push_whose_answer_was_lost_goes_again_with_its_key_and_arrives_once(database, line, monkeypatch):
    user = new_user_id()
    subscribe(database, m.REMINDER_BY_LINE, user, OWNER)
    with db.session_scope(database) as session:
        session.execute(m.Licence.__table__.delete().where(m.Licence.serial == ENDED))
    # LINE takes the first attempt but its answer is lost; the retries fail as well.
    line.fail_next(PUSH_PATH, 500, accept=True)
    line.fail_next(PUSH_PATH, 503)
    line.fail_next(PUSH_PATH, 503)

    first = run_at(monkeypatch, DAYTIME)
    assert (first.counts["retry"], first.trouble) == (1, True)
    assert reminders(database) == [("before_end", "pending")]

    second = run_at(monkeypatch, "2027-01-02T10:00")
    assert second.counts["pushed"] == 1
    assert reminders(database) == [("before_end", "sent")]
    assert len(line.delivered(user)) == 1
    keys = {call.headers["X-Line-Retry-Key"] for call in line.calls if call.path == PUSH_PATH}
    assert len(keys) == 1


def test_a_push_line_refuses_for_good_is_not_tried_again(database, line, monkeypatch):
    user = new_user_id()
    subscribe(database, m.REMINDER_BY_LINE, user, OWNER)
    with db.session_scope(database) as session:
        session.execute(m.Licence.__table__.delete().where(m.Licence.serial == ENDED))
    line.fail_next(PUSH_PATH, 403)

    assert run_at(monkeypatch, DAYTIME).counts["refused"] == 1
    assert run_at(monkeypatch, "2027-01-02T10:00").counts["already"] == 1
    assert reminders(database) == [("before_end", "failed")]
    assert line.delivered() == []


def test_the_command_prints_counts_and_nothing_personal(database, line):
    user = new_user_id()
    subscribe(database, m.REMINDER_BY_LINE, user, OWNER)
    env = {**os.environ, "BOT_NOW": DAYTIME}
    result = subprocess.run(
        [sys.executable, "-m", "bot.runtime.reminders"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "LINE 2 件、メール 0 件を送りました" in result.stdout
    output = result.stdout + result.stderr
    for personal in (user, OWNER, SOON, ENDED):
        assert personal not in output
    night = subprocess.run(
        [sys.executable, "-m", "bot.runtime.reminders"],
        cwd=ROOT,
        env={**env, "BOT_NOW": "2027-01-01T23:00"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert night.returncode == 0 and "21:00〜9:00" in night.stdout
