"""The two guides (guides/, verbatim copies of the vendor's pages) as short passages.

Both guides are pages flattened to text: paragraphs, bullets ("•", "・", "-") and lines that
are nothing but a "-" where the page had a picture. A passage is a run of lines between
blank or picture lines, so it keeps one step or one answer together.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import List

GUIDES = Path(__file__).resolve().parents[2] / "guides"
# Each guide's key, which its passages carry.
GUIDE_KEYS = {
    "business-support-portal-faq.ja.txt": "portal",
    "renewal-by-payment-slip.ja.txt": "renewal",
}
_BULLET = re.compile(r"^(?:[•・\-]|\d+\.)\s*")
# A passage this short ("有効期限内の場合:") means nothing alone: it joins the next one.
SHORTEST_PASSAGE = 40


@dataclass(frozen=True)
class Passage:
    guide: str  # the guide's key
    text: str


def split_guide(guide: str, text: str) -> List[Passage]:
    runs: List[List[str]] = [[]]
    for raw in text.splitlines():
        line = _BULLET.sub("", raw.strip()).strip()
        if line:
            runs[-1].append(line)
        elif runs[-1]:
            runs.append([])
    passages: List[Passage] = []
    pending = ""
    for run in runs:
        joined = "\n".join(run)
        pending = f"{pending}\n{joined}".strip() if pending else joined
        if len(pending) >= SHORTEST_PASSAGE:
            passages.append(Passage(guide, pending))
            pending = ""
    if pending:
        passages.append(Passage(guide, pending))
    return passages


def guide_passages(folder: Path = GUIDES) -> List[Passage]:
    return [
        passage
        for name, key in GUIDE_KEYS.items()
        for passage in split_guide(key, (folder / name).read_text(encoding="utf-8"))
    ]
