"""Processes this benchmark starts, and what /proc says about them.

Every process runs in a session (process group) of its own, so that the terminal's
Ctrl-C reaches only the benchmark, which then stops them in order. `bot.runtime.serve` puts its
own servers in sessions of their own too: stopping it means stopping its descendants.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from pathlib import Path
from typing import Dict, List, Optional

STOP_GRACE_SECONDS = 30


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _read(path: str) -> Optional[str]:
    try:
        with open(path, "rb") as f:
            return f.read().decode(errors="replace")
    except OSError:
        return None


def cmdline(pid: int) -> Optional[str]:
    raw = _read(f"/proc/{pid}/cmdline")
    return raw.replace("\0", " ").strip() if raw else None


def rss_mib(pid: int) -> Optional[float]:
    """VmRSS of one process in MiB (None once it is gone)."""
    status = _read(f"/proc/{pid}/status") or ""
    for line in status.splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return None


def descendants(root: int) -> List[int]:
    """All processes below `root`, children first."""
    children: Dict[int, List[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        stat = _read(f"/proc/{entry}/stat")
        if stat:
            # The command name in parentheses may contain spaces: the ppid follows the last ')'.
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            children.setdefault(ppid, []).append(int(entry))
    found, queue = [], [root]
    while queue:
        for child in children.get(queue.pop(0), []):
            found.append(child)
            queue.append(child)
    return found


class Processes:
    """Everything this run starts; `stop_all` ends it all, also after an error or Ctrl-C."""

    def __init__(self) -> None:
        self._running: List[subprocess.Popen] = []

    def start(self, command: List[str], *, cwd: Path, env: Dict[str, str], log: Path) -> subprocess.Popen:
        with open(log, "ab") as out:
            process = subprocess.Popen(
                command,
                cwd=cwd,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self._running.append(process)
        return process

    def run(self, command: List[str], *, cwd: Path, env: Dict[str, str], log: Path, timeout: float) -> None:
        """Start, wait, and raise with the log's tail if it fails or outlives `timeout`."""
        process = self.start(command, cwd=cwd, env=env, log=log)
        try:
            code = process.wait(timeout=timeout)
        except subprocess.TimeoutExpired as expired:
            self.stop(process)
            took = f"{' '.join(command[:3])} took longer than {timeout:.0f} s; log: {log}"
            raise TimeoutError(took) from expired
        finally:
            self._forget(process)
        if code != 0:
            raise RuntimeError(f"{' '.join(command[:3])} exited with {code}:\n{tail(log)}")

    def stop(self, process: subprocess.Popen) -> None:
        """SIGTERM to the process group, SIGKILL after a grace period; then any descendant left over."""
        # Noted before the signal: once the parent is gone, its orphans no longer show as its children.
        below = {pid: cmdline(pid) for pid in descendants(process.pid)}
        if process.poll() is None:
            _signal_group(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=STOP_GRACE_SECONDS)
            except subprocess.TimeoutExpired:
                _signal_group(process.pid, signal.SIGKILL)
                process.wait()
        for pid, command in below.items():
            # Only if the pid still names the same program: never a stranger that got the number.
            if command and cmdline(pid) == command:
                _kill_leftover(pid)
        self._forget(process)

    def stop_all(self) -> None:
        for process in reversed(list(self._running)):
            self.stop(process)

    def _forget(self, process: subprocess.Popen) -> None:
        if process in self._running:
            self._running.remove(process)


def _signal_group(pgid: int, signum: int) -> None:
    try:
        os.killpg(pgid, signum)
    except ProcessLookupError:
        pass


def _kill_leftover(pid: int) -> None:
    try:
        # bot.runtime.serve starts its servers as session leaders: their groups hold whatever they started.
        if os.getpgid(pid) == pid:
            os.killpg(pid, signal.SIGKILL)
        else:
            os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def tail(log: Path, lines: int = 40) -> str:
    try:
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def wait_for(check, *, timeout: float, process: subprocess.Popen, log: Path, what: str) -> float:
    """Poll `check()` until true; seconds waited. Fails early if `process` exits."""
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if process.poll() is not None:
            raise RuntimeError(f"{what}: the process exited with {process.returncode}:\n{tail(log)}")
        if check():
            return time.monotonic() - start
        time.sleep(0.25)
    raise TimeoutError(f"{what}: not ready within {timeout:.0f} s; log: {log}")
