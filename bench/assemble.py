"""bench/REPORT.md from the parts' sections, with what a reader needs to reproduce it.

.venv/bin/python bench/assemble.py      (the last step of `make bench`)
"""

from __future__ import annotations

import os
import platform
import subprocess
from datetime import datetime, timezone
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
SECTIONS = [BENCH / "results" / "nlu.md", BENCH / "results" / "speed.md"]
COMMAND = "make bench"


def _git(*args: str) -> str:
    return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True).stdout.strip()


def machine() -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    memory_kb = int(
        next(line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal"))
    )
    return (
        f"{os.cpu_count()} cores ({cpu}), {memory_kb / 1024 / 1024:.0f} GiB, "
        f"{platform.platform()}, Python {platform.python_version()}"
    )


def main() -> int:
    missing = [str(section.relative_to(ROOT)) for section in SECTIONS if not section.exists()]
    if missing:
        print(f"missing sections: {', '.join(missing)} (run `{COMMAND}`)")
        return 1
    dirty = " (with uncommitted changes)" if _git("status", "--porcelain", "--untracked-files=no") else ""
    header = [
        "# Benchmark report",
        "",
        f"- command: `{COMMAND}`",
        f"- commit: `{_git('rev-parse', '--short', 'HEAD')}`{dirty}",
        f"- machine: {machine()}",
        f"- written: {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC",
        "",
        "Each part compares systems measured in the same run on the same machine; ratios and medians "
        "are what to compare across runs, not single figures.",
        "",
    ]
    body = [section.read_text(encoding="utf-8").strip() + "\n" for section in SECTIONS]
    (BENCH / "REPORT.md").write_text("\n".join(header) + "\n" + "\n".join(body), encoding="utf-8")
    print(f"wrote {BENCH / 'REPORT.md'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
