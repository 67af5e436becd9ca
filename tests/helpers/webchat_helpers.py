"""Helpers of the browser tests: Debian's chromium, the chat page as a user sees it, and a scripted bot."""

from __future__ import annotations

import asyncio
import shutil
import threading
from typing import Dict, List
from urllib.parse import urlsplit

import socketio
from aiohttp import web
from playwright.sync_api import BrowserContext, Locator, Page, Playwright, expect

from bot.channels.webchat import PageSettings, make_server
from project_helpers import ROOT, free_port

CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
REPLY_TIMEOUT_MS = 30_000
SCREENSHOTS = ROOT / "test-output"


def launch_chromium(playwright: Playwright):
    path = shutil.which("chromium")
    assert path, (
        "Debian's chromium is not installed: apt-get install chromium fonts-ipafont-gothic (.ci/run installs both)"
    )
    return playwright.chromium.launch(executable_path=path, args=CHROMIUM_FLAGS)


class ChatPage:
    """One browser tab on the chat page; records what a user would not see but a test must."""

    def __init__(self, context: BrowserContext):
        self.page: Page = context.new_page()
        self.outside_requests: List[str] = []
        self.console_errors: List[str] = []
        self.websocket_urls: List[str] = []
        self.sent_frames: List[str] = []
        # Keeps the test offline whatever the page tries, and remembers that it tried.
        context.route("**/*", self._only_local)
        self.page.on("console", self._watch_console)
        self.page.on("pageerror", lambda error: self.console_errors.append(str(error)))
        self.page.on("websocket", self._watch_websocket)

    def _only_local(self, route) -> None:
        url = route.request.url
        if urlsplit(url).scheme in ("data", "blob") or urlsplit(url).hostname in LOCAL_HOSTS:
            route.continue_()
        else:
            self.outside_requests.append(url)
            route.abort()

    def _watch_console(self, message) -> None:
        if message.type == "error":
            self.console_errors.append(message.text)

    def _watch_websocket(self, websocket) -> None:
        self.websocket_urls.append(websocket.url)
        websocket.on("framesent", lambda payload: self.sent_frames.append(str(payload)))

    def open(self, url: str) -> "ChatPage":
        self.page.goto(url)
        return self

    def open_chat(self) -> "ChatPage":
        # The widget renders nothing until its socket is connected, and after a reload it comes
        # back open if it was: deciding before it shows would click an open chat shut.
        container = self.page.locator(".rw-widget-container")
        expect(container).to_be_visible(timeout=REPLY_TIMEOUT_MS)
        if "rw-chat-open" not in (container.get_attribute("class") or "").split():
            self.page.click(".rw-launcher")
        expect(self.input).to_be_enabled(timeout=REPLY_TIMEOUT_MS)
        return self

    @property
    def input(self) -> Locator:
        return self.page.locator(".rw-new-message")

    def send(self, text: str) -> None:
        self.input.fill(text)
        self.input.press("Enter")

    def bot_message(self, text: str) -> Locator:
        return self.page.locator(".rw-response", has_text=text)

    def expect_bot_message(self, text: str) -> Locator:
        message = self.bot_message(text).last
        expect(message).to_be_visible(timeout=REPLY_TIMEOUT_MS)
        return message

    def user_messages(self) -> List[str]:
        return self.page.locator(".rw-client").all_inner_texts()

    def bot_messages(self) -> List[str]:
        # Not the typing indicator, which is an empty bot message.
        return self.page.locator(".rw-response .rw-message-text").all_inner_texts()

    def user_utterances_sent(self) -> List[str]:
        return [frame for frame in self.sent_frames if '"user_uttered"' in frame]


class ScriptedBot:
    """A stand-in for Rasa's socketio channel that answers every message with the same bot messages.

    It speaks what Rasa 3.6's channel speaks (session_request, session_confirm, user_uttered,
    bot_uttered) with the same python-socketio, so the page cannot tell the difference;
    what it says is up to the test.
    """

    def __init__(self, replies: List[Dict]):
        self.replies = replies
        self.port = free_port()
        self._started = threading.Event()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._serve, name="scripted-bot", daemon=True)

    def __enter__(self) -> "ScriptedBot":
        self._thread.start()
        assert self._started.wait(10), "the scripted bot did not start"
        return self

    def __exit__(self, *exc_info) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)

    def _serve(self) -> None:
        sio = socketio.AsyncServer(async_mode="aiohttp", cors_allowed_origins="*")
        app = web.Application()
        sio.attach(app)

        @sio.on("session_request")
        async def session_request(sid, data):
            await sio.emit("session_confirm", (data or {}).get("session_id") or "scripted", room=sid)

        @sio.on("user_uttered")
        async def user_uttered(sid, data):
            for reply in self.replies:
                await sio.emit("bot_uttered", reply, room=sid)

        asyncio.set_event_loop(self._loop)
        runner = web.AppRunner(app)
        self._loop.run_until_complete(runner.setup())
        self._loop.run_until_complete(web.TCPSite(runner, "127.0.0.1", self.port).start())
        self._started.set()
        self._loop.run_forever()
        # Socket.IO's ping and service tasks never end by themselves.
        pending = asyncio.all_tasks(self._loop)
        for task in pending:
            task.cancel()
        self._loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
        self._loop.run_until_complete(runner.cleanup())


def serve_in_background(host: str, port: int, settings: PageSettings):
    """The page server in a thread of the test process (the bot runs it as a process of its own)."""
    server = make_server(host, port, settings)
    # shutdown() returns at the loop's next poll: every 50 ms rather than the default 0.5 s, which
    # each test that stops a server waited out.
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="webchat", daemon=True).start()
    return server
