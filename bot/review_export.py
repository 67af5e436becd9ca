"""The review queue's labelled messages as Rasa NLU training data, masked: `make review-export`.

    python -m bot.review_export [--out data/nlu/reviewed.yml]

Writes every label given so far in the inbox's review queue (`/review`) but 「無視」, from the
bot's database (DATABASE_URL), as `- intent: <intent>` and `- intent: faq/<key>` blocks. Each
export writes the whole file anew. Nothing is trained: the next `make train` reads the file, and
`make validate` checks it. The inbox offers the same file as a download (`GET /api/review/export`).
"""

from __future__ import annotations

import argparse
import unicodedata
from collections import defaultdict
from pathlib import Path
from typing import AbstractSet, Dict, Iterable, List, Optional, Sequence, Set, Tuple

import yaml
from sqlalchemy.orm import Session

from bot import settings
from bot.store import db, review
from bot.store.review_rules import masked

DEFAULT_OUT = db.ROOT / "data" / "nlu" / "reviewed.yml"
# Texts the project already has: under another label `rasa data validate --fail-on-warnings` fails,
# and a held-out example in the training data would make the held-out scores lie.
PROJECT_DATA = (db.ROOT / "data" / "nlu", db.ROOT / "tests" / "nlu")
NOTE = (
    "Labelled by supervisors in the agents' inbox (/review), exported by `make review-export` or the",
    "page's download; each export writes the whole file anew. Serials, activation codes, e-mail and",
    "postal addresses and phone numbers are masked.",
)


def example_text(text: str) -> str:
    """A message as one line of an `examples: |` block: masked again (a file must not depend on what
    the database holds), on one line, without control characters, with no bracket Rasa would read as
    an entity annotation ([text](entity))."""
    line = " ".join(masked(text).split())
    line = "".join(ch for ch in line if unicodedata.category(ch) not in ("Cc", "Cf"))
    return line.replace("[", "［").replace("]", "］")


def training_examples(labelled: Iterable[Tuple[str, str]], known: AbstractSet[str]) -> Tuple[Dict[str, List[str]], int]:
    """Label → its examples, labels sorted, examples in the order labelled, and how many texts were
    left out because the project already has them. A text labelled twice counts under its latest label."""
    latest: Dict[str, str] = {}
    for text, label in labelled:
        line = example_text(text)
        if line:
            latest.pop(line, None)  # to the end: the order of the latest labelling
            latest[line] = label
    examples: Dict[str, List[str]] = defaultdict(list)
    for line, label in latest.items():
        if line not in known:
            examples[label].append(line)
    left_out = len(latest) - sum(map(len, examples.values()))
    return dict(sorted(examples.items())), left_out


def nlu_yaml(examples: Dict[str, List[str]], note: Sequence[str] = NOTE) -> str:
    """Rasa's NLU training data format (version 3.1) of these examples."""
    lines = ['version: "3.1"', *(f"# {line}" for line in note), "", "nlu:" if examples else "nlu: []"]
    for label, texts in examples.items():
        lines += [f"- intent: {label}", "  examples: |", *(f"    - {text}" for text in texts), ""]
    return "\n".join(lines).rstrip("\n") + "\n"


def known_texts(folders: Sequence[Path] = PROJECT_DATA, leave_out: Optional[Path] = DEFAULT_OUT) -> Set[str]:
    """The example texts of the project's NLU files (but `leave_out`, the export's own file)."""
    found: Set[str] = set()
    for folder in folders:
        for path in sorted(folder.glob("*.yml")) if folder.is_dir() else ():
            if leave_out is not None and path.resolve() == leave_out.resolve():
                continue
            for item in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu") or []:
                for line in str(item.get("examples") or "").splitlines():
                    if line.strip().startswith("- "):
                        found.add(line.strip()[2:].strip())
    return found


def export(session: Session, known: AbstractSet[str]) -> Tuple[str, int, int]:
    """The file's text, how many examples it holds and how many the project already had."""
    examples, left_out = training_examples(review.labelled_examples(session), known)
    return nlu_yaml(examples), sum(map(len, examples.values())), left_out


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"where to write (default: {DEFAULT_OUT})")
    args = parser.parse_args(argv)
    settings.start("review export", settings.CoreSettings)
    db.upgrade_to_head()
    with db.session_scope() as session:
        text, count, left_out = export(session, known_texts(leave_out=args.out))
    already = f"; {left_out} already in the project's NLU data, left out" if left_out else ""
    if not count:
        print(f"No labelled messages to export yet{already}: nothing written.")
        return 0
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print(f"{args.out}: {count} examples{already}. Nothing was trained: `make train` reads it.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
