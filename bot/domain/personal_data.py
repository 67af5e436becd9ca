"""Phone numbers and signed tokens as they stand in text: what the logs and the review queue mask
besides the identifiers (bot.domain.identifiers)."""

from __future__ import annotations

import re

# Japanese phone numbers as customers type them: 03-1234-5678, 090 1234 5678, (03)1234-5678,
# 0312345678. Boundaries in ASCII only: Japanese text runs straight up to the number (電話は03-…).
PHONE_RE = re.compile(r"(?<![0-9A-Za-z-])\(?0\d{1,4}\)?[-\s]?\d{1,4}[-\s]?\d{3,4}(?![0-9A-Za-z-])")
# Signed tokens wherever they stand: the page's identity token, the action servers' identity proof.
JWT_RE = re.compile(r"\beyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*")
