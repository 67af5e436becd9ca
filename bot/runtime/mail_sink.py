"""The demo's mail server: `make run` starts aiosmtpd on 127.0.0.1:8025, keeping every mail the bot
sends in the Maildir var/mail (one file a mail, under var/mail/new). `make mails` prints them, decoded.

Only when no BOT_SMTP_HOST is set: with a real mail server configured, nothing is started here.
"""

from __future__ import annotations

import argparse
import mailbox
import sys
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from typing import List, Optional

ROOT = Path(__file__).resolve().parents[2]
DEMO_MAIL_DIR = ROOT / "var" / "mail"
DEMO_PORT = 8025


def sink_command(port: int, mail_dir: Path) -> List[str]:
    return [
        sys.executable,
        "-m",
        "aiosmtpd",
        "--nosetuid",
        "--listen",
        f"127.0.0.1:{port}",
        "--class",
        "aiosmtpd.handlers.Mailbox",
        str(mail_dir),
    ]


def received(mail_dir: Path) -> List[EmailMessage]:
    """Every mail in the Maildir, oldest first, parsed so that headers and body read as text."""
    if not (mail_dir / "new").is_dir():
        return []
    box = mailbox.Maildir(mail_dir, factory=None, create=False)
    parser = BytesParser(policy=policy.default)
    mails = [parser.parsebytes(box.get_bytes(key)) for key in box.keys()]
    return sorted(mails, key=lambda mail: mail["Date"].datetime)


def printed(mail: EmailMessage) -> str:
    body = mail.get_body(("plain",))
    # The outbox sends every mail with a text/plain part.
    assert body is not None, "a mail without a text/plain part"
    return f"日時: {mail['Date']}\n宛先: {mail['To']}\n件名: {mail['Subject']}\n\n{body.get_content().rstrip()}\n"


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description="Print the mails the demo's mail server received.")
    parser.add_argument("--mail-dir", type=Path, default=DEMO_MAIL_DIR)
    args = parser.parse_args(argv)
    mails = received(args.mail_dir)
    if not mails:
        print(f"{args.mail_dir} にメールはありません。")
    print(f"\n{'-' * 40}\n".join(printed(mail) for mail in mails), end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
