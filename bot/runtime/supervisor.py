"""Server processes started again when they die, as an orchestrator would (`make run`, `make run-scaled`).

A server that keeps dying right after its start is started again ever more slowly (1, 2,
4 … 30 s), so that a broken one does not spin; one that ran a while starts again at once.
"""

from __future__ import annotations

import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, Iterable, List, Optional

FIRST_DELAY = 1.0
MAX_DELAY = 30.0
# A server up this long counts as healthy again: its next restart waits FIRST_DELAY.
STABLE_AFTER = 60.0


@dataclass
class Supervised:
    """A server process that is started again when it dies."""

    name: str
    command: List[str]
    env: Dict[str, str]
    cwd: Optional[Path] = None
    clock: Callable[[], float] = time.monotonic
    process: Optional[subprocess.Popen] = field(default=None)
    restarts: int = 0
    delay: float = 0.0
    started_at: float = 0.0
    restart_at: Optional[float] = None

    def start(self) -> None:
        # A session of its own: Ctrl-C in the terminal reaches the supervisor, which stops each group.
        self.process = subprocess.Popen(self.command, cwd=self.cwd, env=self.env, start_new_session=True)
        self.started_at = self.clock()

    def revive(self) -> None:
        """Start the server again if it has died and its back-off has passed."""
        if self.process is None or self.process.poll() is None:
            return
        now = self.clock()
        if self.restart_at is None:
            ran_a_while = now - self.started_at >= STABLE_AFTER
            self.delay = FIRST_DELAY if ran_a_while or not self.delay else min(self.delay * 2, MAX_DELAY)
            self.restart_at = now + self.delay
            print(
                f"{self.name} が停止しました (終了コード {self.process.returncode})。"
                f"{self.delay:.0f} 秒後に再起動します。",
                file=sys.stderr,
                flush=True,
            )
        elif now >= self.restart_at:
            self.restart_at = None
            self.restarts += 1
            self.start()
            print(f"{self.name} を再起動しました ({self.restarts} 回目)。", file=sys.stderr, flush=True)


def processes(servers: Iterable[Supervised]) -> List[subprocess.Popen]:
    return [server.process for server in servers if server.process is not None]


def supervise_forever(servers: List[Supervised], interval: float = 0.5) -> None:
    """Keep every server running until interrupted (KeyboardInterrupt)."""
    while True:
        time.sleep(interval)
        for server in servers:
            server.revive()
