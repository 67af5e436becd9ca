"""Serial numbers, activation codes and e-mail addresses: how to find, canonicalize and mask them.

Customers type these with missing or extra hyphens, spaces, lowercase letters and
full-width characters; the patterns run on normalized text (see bot.domain.normalize)
and accept those variants, and the canonical forms are what the data layer stores.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Optional

_SEP = r"[-\s]?"

# Consumer licence serial: 4 letters and 16 digits in groups of four (VBCL-4821-7730-1956-2204).
SERIAL_RE = re.compile(
    rf"(?<![0-9A-Za-z])[A-Za-z]{{4}}{_SEP}\d{{4}}{_SEP}\d{{4}}{_SEP}\d{{4}}{_SEP}\d{{4}}(?![0-9A-Za-z])"
)

# Business activation code: 2 letters, a group of 4 and five groups of 5 (TB-3KQ7-M2X9P-...).
ACTIVATION_CODE_RE = re.compile(
    rf"(?<![0-9A-Za-z])[A-Za-z]{{2}}{_SEP}[0-9A-Za-z]{{4}}(?:{_SEP}[0-9A-Za-z]{{5}}){{5}}(?![0-9A-Za-z])"
)

EMAIL_RE = re.compile(
    r"(?<![\w.+-])[A-Za-z0-9](?:[A-Za-z0-9._%+-]{0,62}[A-Za-z0-9_+-])?"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}(?![\w-])"
)


def _compact(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text).upper()
    return re.sub(r"[\s\-\u2010-\u2015\u2212\u30fc]", "", folded)


def canonical_serial(text: str) -> Optional[str]:
    """`VBCL-4821-7730-1956-2204` for any spacing or case of it, else None."""
    compact = _compact(text)
    if not re.fullmatch(r"[A-Z]{4}\d{16}", compact):
        return None
    return "-".join([compact[:4]] + [compact[i : i + 4] for i in range(4, 20, 4)])


def canonical_activation_code(text: str) -> Optional[str]:
    """`TB-3KQ7-M2X9P-4HD8W-7RT5N-Q6J3C-9ZV2L` for any spacing or case of it, else None."""
    compact = _compact(text)
    if not re.fullmatch(r"[A-Z]{2}[0-9A-Z]{29}", compact):
        return None
    groups = [compact[:2], compact[2:6]] + [compact[i : i + 5] for i in range(6, 31, 5)]
    return "-".join(groups)


def canonical_email(text: str) -> Optional[str]:
    """The address in lowercase, or None when it is not a plausible address."""
    folded = unicodedata.normalize("NFKC", text).strip()
    if not EMAIL_RE.fullmatch(folded) or ".." in folded:
        return None
    return folded.lower()


def mask_identifiers(text: str) -> str:
    """The text with serials and activation codes cut to what identifies them to a person.

    VBCL-4821-7730-1956-2204 → VBCL-****-****-****-2204; an activation code keeps its
    last group. The agent can ask for the whole value when it is really needed.
    """

    def serial(match: re.Match) -> str:
        canonical = canonical_serial(match.group(0)) or match.group(0)
        return f"{canonical[:4]}-****-****-****-{canonical[-4:]}"

    def code(match: re.Match) -> str:
        # 31 letters in a row are a word (DefaultPolicyPredictionEnsemble), not a code.
        if not any(ch.isdigit() for ch in match.group(0)):
            return match.group(0)
        canonical = canonical_activation_code(match.group(0)) or match.group(0)
        return f"{canonical[:2]}-****-*****-*****-*****-*****-{canonical[-5:]}"

    return ACTIVATION_CODE_RE.sub(code, SERIAL_RE.sub(serial, text))
