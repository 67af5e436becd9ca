"""The mail sender's settings (bot.runtime.mail_sender)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from email.utils import parseaddr
from typing import Optional

from bot.settings.reading import FromEnv, Reader

SECURITIES = ("none", "starttls", "tls")
_HOST = re.compile(r"[A-Za-z0-9.\-]+|\[[0-9A-Fa-f:.]+\]")


def _host(text: str) -> str:
    if not _HOST.fullmatch(text):
        raise ValueError(f"expected a host name or address, got {text!r}")
    return text


def _port(text: str) -> int:
    if not text.isdigit() or not 0 < int(text) < 65536:
        raise ValueError(f"expected a port number from 1 to 65535, got {text!r}")
    return int(text)


def _address(text: str) -> str:
    if "@" not in parseaddr(text)[1]:
        raise ValueError(f"expected a mail address such as サポート窓口 <support@example.jp>, got {text!r}")
    return text


@dataclass(frozen=True)
class MailSettings(FromEnv):
    host: str = "127.0.0.1"
    port: int = 8025
    security: str = "none"
    user: Optional[str] = None
    password: Optional[str] = None
    sender: str = "support@example.com"
    timeout: float = 30.0
    max_tries: int = 12
    poll: float = 5.0

    @property
    def lease(self) -> timedelta:
        # Longer than a whole send may take (bot.runtime.mail_sender): a live sender's claim never lapses.
        return timedelta(seconds=2 * self.timeout + 10)

    @classmethod
    def read(cls, reader: Reader) -> "MailSettings":
        user, password = reader.text("BOT_SMTP_USER"), reader.text("BOT_SMTP_PASSWORD")
        if (user is None) != (password is None):
            given = "BOT_SMTP_USER" if user else "BOT_SMTP_PASSWORD"
            reader.problem("BOT_SMTP_USER and BOT_SMTP_PASSWORD", f"expected both or neither, got only {given}")
        return cls(
            host=reader.parsed("BOT_SMTP_HOST", _host, cls.host),
            port=reader.parsed("BOT_SMTP_PORT", _port, cls.port),
            security=reader.choice("BOT_SMTP_SECURITY", SECURITIES, cls.security),
            user=user,
            password=password,
            sender=reader.parsed("BOT_MAIL_FROM", _address, cls.sender),
            timeout=reader.seconds("BOT_SMTP_TIMEOUT_SECONDS", cls.timeout),
            max_tries=reader.integer("BOT_MAIL_MAX_TRIES", cls.max_tries),
            poll=reader.seconds("BOT_MAIL_POLL_SECONDS", cls.poll),
        )
