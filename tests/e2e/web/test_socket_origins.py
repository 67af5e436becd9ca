"""Only the chat page may open a web chat socket in a visitor's browser.

Browsers apply CORS to HTTP, not to websockets: without a check of its own, any web site
could open a chat socket to the bot in its visitors' browsers (Rasa's channel checks none;
seen on this bot before the check)."""

import asyncio
import urllib.request

import pytest
import websockets

from bot.channels import socketio

EVIL = "http://evil.example"


def socket_connect(port: int, origin) -> str:
    """The server's answer to a socket.io connect over a websocket sent with `origin`."""

    async def connect() -> str:
        url = f"ws://127.0.0.1:{port}/socket.io/?EIO=4&transport=websocket"
        async with websockets.connect(url, origin=origin) as ws:
            await asyncio.wait_for(ws.recv(), 10)  # engine.io's open packet
            await ws.send("40")
            return await asyncio.wait_for(ws.recv(), 10)

    return asyncio.run(connect())


def test_the_page_may_connect_and_another_site_may_not(bot):
    page = f"http://localhost:{bot['web_port']}"
    assert socket_connect(bot["rasa_port"], page).startswith("40{")
    assert socket_connect(bot["rasa_port"], EVIL).startswith("44{")
    assert socket_connect(bot["rasa_port"], None).startswith("40{")  # not a browser: no visitor to abuse


def test_the_page_gets_one_cors_answer_not_two(bot):
    # Two Access-Control-Allow-Origin headers make the browser refuse the polling answer.
    request = urllib.request.Request(
        f"http://127.0.0.1:{bot['rasa_port']}/socket.io/?EIO=4&transport=polling",
        headers={"Origin": f"http://localhost:{bot['web_port']}"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.headers.get_all("Access-Control-Allow-Origin") == [f"http://localhost:{bot['web_port']}"]


@pytest.mark.parametrize(
    "arguments, origin, host, allowed",
    [
        (["--cors", "http://localhost:8080"], "http://localhost:8080", "localhost:5005", True),
        (["--cors", "http://localhost:8080"], EVIL, "localhost:5005", False),
        (["--cors", "http://localhost:8080"], "http://localhost:8080.evil.example", "localhost:5005", False),
        (["--cors", "*"], EVIL, "localhost:5005", True),
        ([], "http://localhost:5005", "localhost:5005", True),
        ([], "http://localhost:8080", "localhost:5005", False),
        (["--port", "5005"], None, "localhost:5005", True),
    ],
)
def test_origins_come_from_rasas_cors_arguments(monkeypatch, arguments, origin, host, allowed):
    monkeypatch.setattr(socketio, "_allowed_origins", None)
    socketio.allow_origins_of(arguments)
    environ = {"HTTP_HOST": host, **({"HTTP_ORIGIN": origin} if origin else {})}
    assert socketio.origin_allowed(environ) is allowed
