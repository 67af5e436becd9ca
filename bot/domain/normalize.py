"""Text normalization that remembers where every character came from.

Customers type the same word in half-width katakana, full-width ASCII, with odd
dashes or spaces. Everything downstream sees one form, but entity offsets must
still point into the message exactly as it was typed, so each normalized
character carries the span of the original characters it came from.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import List, Tuple

# Marks that belong to the preceding character: NFKC only composes them (ｶﾞ → ガ)
# when they are normalized together with it.
_ATTACHING = {"\uff9e", "\uff9f", "\u3099", "\u309a", "\u200d"}

# Dash-like characters: a long-vowel mark after kana (パスワ－ド), a hyphen elsewhere
# (VBCL－4821). The ASCII hyphen is left alone.
_DASHES = set("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\uff0d\u30fc\uff70\u2500\u30fc")
_WAVE_DASHES = {"\uff5e", "\u301c", "\u223c"}
_DROPPED = {"\u200b", "\u200c", "\u2060", "\ufeff"}


def _is_kana(ch: str) -> bool:
    return "\u3041" <= ch <= "\u30ff" or "\uff66" <= ch <= "\uff9d"


def _attaches(ch: str) -> bool:
    return (
        ch in _ATTACHING
        or unicodedata.combining(ch) != 0
        or "\ufe00" <= ch <= "\ufe0f"
        or "\U000e0100" <= ch <= "\U000e01ef"
    )


def _clusters(text: str) -> List[Tuple[int, int]]:
    spans: List[Tuple[int, int]] = []
    i = 0
    while i < len(text):
        j = i + 1
        while j < len(text) and _attaches(text[j]):
            j += 1
        spans.append((i, j))
        i = j
    return spans


@dataclass(frozen=True)
class Normalized:
    """Normalized text and, for each of its characters, the original span."""

    text: str
    source: Tuple[Tuple[int, int], ...]

    def source_span(self, start: int, end: int) -> Tuple[int, int]:
        """Original [start, end) of the normalized characters [start, end)."""
        return self.source[start][0], self.source[end - 1][1]


def normalize(text: str) -> Normalized:
    """NFKC, folded dashes and wave dashes, collapsed and trimmed whitespace."""
    out: List[str] = []
    source: List[Tuple[int, int]] = []

    for start, end in _clusters(text):
        cluster = text[start:end]
        first = cluster[0]
        if first in _DROPPED or (unicodedata.category(first) == "Cc" and not first.isspace()):
            continue
        if first.isspace() or unicodedata.category(first) == "Zs":
            if out and out[-1] != " ":
                out.append(" ")
                source.append((start, end))
            continue
        if first in _DASHES:
            folded = "ー" if out and _is_kana(out[-1]) else "-"
        elif first in _WAVE_DASHES:
            folded = "〜"
        else:
            folded = unicodedata.normalize("NFKC", cluster)
        for ch in folded:
            # NFKC turns spacing accents (´) into a space plus a combining mark; the
            # mark would attach to whatever follows on a second pass, so drop it.
            if unicodedata.combining(ch) and (not out or out[-1] == " "):
                continue
            if ch.isspace():
                if not out or out[-1] == " ":
                    continue
                ch = " "
            out.append(ch)
            source.append((start, end))

    if out and out[-1] == " ":
        out.pop()
        source.pop()
    return Normalized("".join(out), tuple(source))
