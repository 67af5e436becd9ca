"""The outbox's sender against a real SMTP server on localhost (aiosmtpd): each mail delivered once,
in Japanese plain text, also with two senders and after one is killed mid-send; a server that
refuses, times out or is down is tried again later, and a mail is given up loudly in the end."""

import asyncio
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from datetime import timedelta
from email import policy
from email.parser import BytesParser

import pytest
from aiosmtpd.controller import Controller

from bot.domain import clock
from bot.runtime.mail_sender import MailSender
from bot.settings import MailSettings, SettingsError
from bot.store import db, repository
from project_helpers import ROOT, free_port

SUBJECT = "ウイルスバスター 契約更新お申し込み受付のお知らせ(振込用紙)"


class Server:
    """An SMTP server whose answer to each mail the test sets: accept, refuse, or hold it."""

    def __init__(self, port=None):
        self.received = []
        self.answer = "250 OK"
        self.delay = 0.0
        self.arrived = threading.Event()  # a mail's content reached the server
        self.release = None  # when set, each mail is held until this event is set
        self.controller = Controller(self, hostname="127.0.0.1", port=port or free_port())

    @property
    def port(self):
        return self.controller.port

    async def handle_DATA(self, server, session, envelope):
        self.arrived.set()
        if self.release is not None:
            await asyncio.get_running_loop().run_in_executor(None, self.release.wait)
        await asyncio.sleep(self.delay)
        if self.answer.startswith("250"):
            self.received.append(BytesParser(policy=policy.default).parsebytes(envelope.original_content))
        return self.answer

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc):
        if self.release is not None:
            self.release.set()
        self.controller.stop()


@pytest.fixture
def smtp():
    with Server() as server:
        yield server


def settings(port, **changes):
    return MailSettings(port=port, timeout=1.0, max_tries=3, **changes)


def queue(url, count=1, to="nakamura@example.jp"):
    with db.session_scope(url) as session:
        return [
            repository.queue_mail(
                session,
                to,
                "renewal_slip_order",
                SUBJECT,
                f"シリアル番号 VBCL-****-****-****-{n:04d} の契約更新を承りました。",
            )
            for n in range(count)
        ]


def pending(url):
    with db.session_scope(url) as session:
        return repository.pending_mails(session)


def later(monkeypatch, minutes):
    """The clock `minutes` ahead of the real one, as a later run of the sender sees it."""
    monkeypatch.delenv("BOT_NOW", raising=False)
    moment = clock.now() + timedelta(minutes=minutes)
    monkeypatch.setenv("BOT_NOW", moment.isoformat())


def test_each_queued_mail_is_delivered_once_in_japanese_plain_text(migrated_url, smtp):
    mails = queue(migrated_url, 3)
    sender = MailSender(settings(smtp.port, sender="サポート窓口 <support@example.jp>"), migrated_url)

    assert asyncio.run(sender.send_due()) == {"sent": 3}
    assert asyncio.run(sender.send_due()) == {}
    assert pending(migrated_url) == ()
    assert [mail["Message-ID"] for mail in smtp.received] == [
        f"<outbox-{mail.id}.{int(mail.created_at.timestamp())}@example.jp>" for mail in mails
    ]
    first = smtp.received[0]
    assert (first["To"], first["Subject"], first["From"]) == (
        "nakamura@example.jp",
        SUBJECT,
        "サポート窓口 <support@example.jp>",
    )
    assert first.get_content_type() == "text/plain" and first.get_content_charset() == "utf-8"
    assert first.get_content() == "シリアル番号 VBCL-****-****-****-0000 の契約更新を承りました。\n"


def test_a_refusing_server_is_tried_again_later_and_the_mail_given_up_loudly(migrated_url, smtp, monkeypatch, caplog):
    [mail] = queue(migrated_url)
    smtp.answer = "451 4.3.0 Try again later"
    sender = MailSender(settings(smtp.port), migrated_url)

    assert asyncio.run(sender.send_due()) == {"retry": 1}
    # Not hammered: the next try waits 30 seconds, then a minute.
    assert asyncio.run(sender.send_due()) == {}
    later(monkeypatch, 0.6)
    assert asyncio.run(sender.send_due()) == {"retry": 1}
    later(monkeypatch, 1.2)
    assert asyncio.run(sender.send_due()) == {}
    later(monkeypatch, 2)
    with caplog.at_level(logging.ERROR, logger="bot.runtime.mail_sender"):
        assert asyncio.run(sender.send_due()) == {"given_up": 1}
    assert f"mail {mail.id} (renewal_slip_order) given up after 3 tries" in caplog.text
    assert "nakamura" not in caplog.text
    assert pending(migrated_url) == () and smtp.received == []
    later(monkeypatch, 600)
    assert asyncio.run(sender.send_due()) == {}


def test_a_permanent_refusal_is_given_up_at_once(migrated_url, smtp):
    queue(migrated_url)
    smtp.answer = "550 5.1.1 No such user"
    assert asyncio.run(MailSender(settings(smtp.port), migrated_url).send_due()) == {"given_up": 1}
    assert pending(migrated_url) == ()


def test_a_server_that_times_out_and_comes_back_gets_the_mail_once(migrated_url, smtp, monkeypatch):
    queue(migrated_url)
    smtp.delay = 2.5  # past the sender's whole budget of 2 × 1 s
    sender = MailSender(settings(smtp.port), migrated_url)
    assert asyncio.run(sender.send_due()) == {"retry": 1}
    smtp.delay = 0.0
    later(monkeypatch, 1)
    assert asyncio.run(sender.send_due()) == {"sent": 1}
    assert len(smtp.received) == 1 and pending(migrated_url) == ()


def test_a_server_that_is_down_gets_the_mail_when_it_is_back(migrated_url, monkeypatch):
    queue(migrated_url)
    port = free_port()
    sender = MailSender(settings(port), migrated_url)
    assert asyncio.run(sender.send_due()) == {"retry": 1}
    with Server(port) as server:
        later(monkeypatch, 1)
        assert asyncio.run(sender.send_due()) == {"sent": 1}
    assert len(server.received) == 1


def sender_process(url, port, *args, **env):
    environment = dict(
        os.environ,
        DATABASE_URL=url,
        BOT_SMTP_HOST="127.0.0.1",
        BOT_SMTP_PORT=str(port),
        BOT_SMTP_TIMEOUT_SECONDS="5",
        BOT_MAIL_POLL_SECONDS="0.2",
        **env,
    )
    return subprocess.Popen(
        [sys.executable, "-m", "bot.runtime.mail_sender", *args],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def test_two_senders_at_once_deliver_each_mail_once(migrated_url, smtp):
    mails = queue(migrated_url, 30)
    smtp.delay = 0.1  # each send takes a moment, so the two senders overlap
    senders = [sender_process(migrated_url, smtp.port, "--once") for _ in range(2)]
    outputs = [process.communicate(timeout=120)[0] for process in senders]

    assert [process.returncode for process in senders] == [0, 0], outputs
    ids = sorted(mail["Message-ID"] for mail in smtp.received)
    assert len(ids) == 30 and len(set(ids)) == 30
    assert pending(migrated_url) == ()
    # Both took part: neither waited for the other to finish.
    assert all("送信 0 件" not in output for output in outputs), outputs
    assert len(mails) == 30


def test_a_sender_killed_mid_send_leaves_the_mail_to_the_next_one_which_sends_it_once(migrated_url, smtp):
    queue(migrated_url)
    smtp.release = threading.Event()
    first = sender_process(migrated_url, smtp.port)
    try:
        assert smtp.arrived.wait(60), "the mail never reached the server"
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait()
    # The server never said 250 to the killed sender: the connection is gone, the mail not taken.
    smtp.answer = "451 4.4.2 Connection dropped"
    smtp.release.set()
    time.sleep(0.2)
    smtp.answer, smtp.release = "250 OK", None
    assert smtp.received == [] and len(pending(migrated_url)) == 1

    # A sender started at once leaves it alone: the killed one's claim still holds.
    assert "送信 0 件" in sender_process(migrated_url, smtp.port, "--once").communicate(timeout=60)[0]
    # Once the claim has run out (two minutes on), the next sender sends it.
    moment = (clock.now() + timedelta(minutes=2)).isoformat()
    output = sender_process(migrated_url, smtp.port, "--once", BOT_NOW=moment).communicate(timeout=60)[0]
    assert "送信 1 件" in output, output
    assert len(smtp.received) == 1 and pending(migrated_url) == ()


@pytest.mark.parametrize(
    "env, wrong",
    [
        ({"BOT_SMTP_SECURITY": "ssl"}, "BOT_SMTP_SECURITY"),
        ({"BOT_SMTP_USER": "bot"}, "BOT_SMTP_USER and BOT_SMTP_PASSWORD"),
        ({"BOT_SMTP_PORT": "smtp"}, "BOT_SMTP_PORT"),
        ({"BOT_MAIL_MAX_TRIES": "0"}, "BOT_MAIL_MAX_TRIES"),
        ({"BOT_MAIL_FROM": "support"}, "BOT_MAIL_FROM"),
    ],
)
def test_a_wrong_mail_setting_is_named_at_start(env, wrong):
    with pytest.raises(SettingsError, match=wrong):
        MailSettings.from_env(env)


def test_the_sender_refuses_to_start_on_a_wrong_setting():
    result = subprocess.run(
        [sys.executable, "-m", "bot.runtime.mail_sender", "--once"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=dict(os.environ, BOT_SMTP_SECURITY="ssl"),
        timeout=60,
    )
    assert result.returncode == 2
    assert "mail sender not started" in result.stderr
    assert "BOT_SMTP_SECURITY: expected one of none, starttls, tls, got 'ssl'" in result.stderr
