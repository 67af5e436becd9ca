"""The scaled bot (`python -m bot.runtime.serve_scaled`, as `make run-scaled` starts it) for tests, with
its PostgreSQL and Redis behind TCP proxies that a test can cut to play an outage."""

from __future__ import annotations

import asyncio
import json
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from typing import Dict, List, Optional, Set

from bot.runtime.serve import wait_until_up
from project_helpers import ROOT, free_port


class TcpProxy:
    """Forwards a local port to a server; `cut()` drops every connection and refuses new ones, like
    a server that went down; `restore()` lets connections through again, on the same port."""

    def __init__(self, target_port: int, target_host: str = "127.0.0.1") -> None:
        self.target = (target_host, target_port)
        self.port = free_port()
        self._loop = asyncio.new_event_loop()
        self._server: Optional[asyncio.AbstractServer] = None
        self._open: Set[asyncio.StreamWriter] = set()
        self._thread = threading.Thread(target=self._loop.run_forever, name="tcp-proxy", daemon=True)

    def __enter__(self) -> "TcpProxy":
        self._thread.start()
        self.restore()
        return self

    def __exit__(self, *exc_info) -> None:
        self.cut()
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)

    def cut(self) -> None:
        asyncio.run_coroutine_threadsafe(self._cut(), self._loop).result(10)

    def restore(self) -> None:
        asyncio.run_coroutine_threadsafe(self._listen(), self._loop).result(10)

    async def _listen(self) -> None:
        if self._server is None:
            self._server = await asyncio.start_server(self._forward, "127.0.0.1", self.port, reuse_address=True)

    async def _cut(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None
        for writer in list(self._open):
            writer.transport.abort()
        self._open.clear()

    async def _forward(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            upstream_reader, upstream_writer = await asyncio.open_connection(*self.target)
        except OSError:
            writer.transport.abort()
            return
        self._open |= {writer, upstream_writer}

        async def pipe(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
            try:
                while data := await source.read(65536):
                    sink.write(data)
                    await sink.drain()
            except (ConnectionError, OSError):
                pass
            finally:
                sink.transport.abort()
                self._open.discard(sink)

        await asyncio.gather(pipe(reader, upstream_writer), pipe(upstream_reader, writer))


class Cluster:
    """Two Rasa and two action servers behind HAProxy, their inbox and page, on the given stores."""

    def __init__(self, model, env: Dict[str, str]) -> None:
        self.port, self.actions_port = free_port(), free_port()
        self.rasa_ports = [free_port(), free_port()]
        self.actions_ports = [free_port(), free_port()]
        self.web_port, self.inbox_port = free_port(), free_port()
        self.log: List[str] = []
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "bot.runtime.serve_scaled",
                "--model",
                str(model),
                "--port",
                str(self.port),
                "--actions-port",
                str(self.actions_port),
                "--rasa-ports",
                ",".join(map(str, self.rasa_ports)),
                "--actions-ports",
                ",".join(map(str, self.actions_ports)),
                "--web-port",
                str(self.web_port),
                "--inbox-port",
                str(self.inbox_port),
                "--smtp-port",
                str(free_port()),
                "--mail-dir",
                tempfile.mkdtemp(prefix="cluster-mail-"),
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        deadline = time.monotonic() + 420
        for line in self.process.stdout:
            self.log.append(line)
            if "ボットの準備ができました" in line or time.monotonic() > deadline:
                break
        if "ボットの準備ができました" not in "".join(self.log):
            self.stop()
            raise AssertionError("".join(self.log[-80:]))
        threading.Thread(target=lambda: self.log.extend(self.process.stdout), daemon=True).start()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(60)
            except subprocess.TimeoutExpired:
                self.process.kill()

    def wait_until_answering(self, url: str, timeout: float = 180) -> None:
        wait_until_up(url, [], timeout)


def say(port: int, sender: str, text: str, timeout: float = 60) -> tuple:
    """Post to one address's REST webhook: (HTTP status, reply texts, seconds taken)."""
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/webhooks/rest/webhook",
        data=json.dumps({"sender": sender, "message": text}).encode(),
        headers={"Content-Type": "application/json"},
    )
    started = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, [m.get("text") for m in json.loads(response.read())], time.monotonic() - started
    except urllib.error.HTTPError as error:
        return error.code, [], time.monotonic() - started
