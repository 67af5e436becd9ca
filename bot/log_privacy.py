"""Customers' data and secrets kept out of every log line of the bot's processes.

Installed first thing in each process (Rasa, actions, inbox): every log record, Rasa's
and structlog's included (both end in the standard logging module), has its message and
traceback masked when it is made, whatever handler or format prints it later.
"""

from __future__ import annotations

import logging
import re
import traceback
import unicodedata

from bot.domain.identifiers import EMAIL_RE, mask_identifiers
from bot.domain.personal_data import JWT_RE, PHONE_RE

# Rasa's API token travels as ?token=…; agents' and channels' tokens as Authorization: Bearer ….
TOKEN_RE = re.compile(r"(?i)\b((?:auth_)?token=)[^&\s'\"]+")
BEARER_RE = re.compile(r"(?i)\b(bearer\s+)[^\s'\",]+")


def mask_personal_data(text: str) -> str:
    """The text with e-mail addresses, phone numbers, serials, activation codes and tokens masked."""
    # NFKC first: full-width digits and letters are the same data to a reader of the log.
    text = mask_identifiers(unicodedata.normalize("NFKC", text))
    text = EMAIL_RE.sub(lambda match: "***@" + match.group(0).rsplit("@", 1)[1], text)
    text = JWT_RE.sub("[トークン]", text)
    text = PHONE_RE.sub("[電話番号]", text)
    text = TOKEN_RE.sub(r"\1***", text)
    return BEARER_RE.sub(r"\1***", text)


def install() -> None:
    """Mask every log record of this process from now on (installing twice changes nothing)."""
    previous = logging.getLogRecordFactory()
    if getattr(previous, "masks_personal_data", False):
        return

    def masked_record(*args, **kwargs) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        try:
            record.msg, record.args = mask_personal_data(record.getMessage()), None
        except Exception:  # a malformed record (bad % args) is logging's to report, unmasked text is not
            record.msg, record.args = "(log message not shown: it could not be masked)", None
        if record.exc_info:
            record.exc_text = mask_personal_data("".join(traceback.format_exception(*record.exc_info)).rstrip("\n"))
        return record

    # The mark a second install looks for; mypy does not know attributes set on a function.
    masked_record.masks_personal_data = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(masked_record)
