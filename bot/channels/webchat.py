"""The web chat page: a small HTTP server for web/ and, in demo mode only, demo identity tokens.

    python -m bot.channels.webchat --port 8080 --socket-port 5005

The page talks to Rasa's `socketio` channel directly; this server only hands out the
page, the rasa-webchat bundle installed by `npm ci` and the page's settings. Demo login
is on with BOT_WEB_DEMO_LOGIN=1, signing with BOT_JWT_SECRET (from the environment, never
from the command line, where `ps` would show it; read at start by bot.settings).
"""

from __future__ import annotations

import argparse
import json
import re
import socket
import sys
import time
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Dict, List, Optional, Tuple
from urllib.parse import urlsplit

import jwt

from bot.settings import WebPageSettings, current, start

WEB = Path(__file__).resolve().parent.parent.parent / "web"
BUNDLE = WEB / "node_modules" / "rasa-webchat" / "lib" / "index.js"

# Only the four customers of the demo data: even a demo server switched on by mistake
# cannot sign a token for anyone else.
DEMO_CUSTOMERS: Tuple[Tuple[str, str], ...] = (
    ("yamada@sample-shoji.co.jp", "山田 太郎 様(株式会社サンプル商事)"),
    ("sato@sample-shoji.co.jp", "佐藤 花子 様(株式会社サンプル商事)"),
    ("tanaka@test-kogyo.jp", "田中 一郎 様(合同会社テスト工業)"),
    ("nakamura@example.jp", "中村 様(個人のお客さま)"),
)
DEMO_TOKEN_SECONDS = 3600

# The bundle's CSS imports a Google Fonts stylesheet; the page must fetch nothing from outside.
_REMOTE_FONT_IMPORT = re.compile(rb"@import url\(https://fonts\.googleapis\.com/[^)]*\);")

_STATIC = {
    "/": ("index.html", "text/html; charset=utf-8"),
    "/webchat-page.js": ("webchat-page.js", "text/javascript; charset=utf-8"),
    "/webchat-page.css": ("webchat-page.css", "text/css; charset=utf-8"),
}
_MAX_BODY = 4096


@dataclass(frozen=True)
class PageSettings:
    socket_port: int
    demo_login: bool = False
    jwt_secret: Optional[str] = None

    def __post_init__(self) -> None:
        if self.demo_login and not self.jwt_secret:
            raise ValueError("demo login needs a JWT secret to sign its tokens")


def local_bundle() -> bytes:
    """rasa-webchat's UMD bundle without its remote font import."""
    if not BUNDLE.exists():
        raise FileNotFoundError(f"{BUNDLE} がありません (make setup で npm ci を実行してください)")
    return _REMOTE_FONT_IMPORT.sub(b"", BUNDLE.read_bytes())


def demo_token(email: str, secret: str, now: Optional[float] = None) -> str:
    """An identity token as the support site would sign it for a logged-in customer."""
    issued = int(time.time() if now is None else now)
    return jwt.encode({"email": email, "exp": issued + DEMO_TOKEN_SECONDS}, secret, algorithm="HS256")


def socket_origin(host_header: Optional[str], port: int) -> str:
    """Rasa's address as the browser reaches it: the host the page was loaded from, Rasa's port."""
    hostname = urlsplit(f"//{host_header or ''}").hostname or "localhost"
    if not re.fullmatch(r"[A-Za-z0-9.\-:]+", hostname):
        hostname = "localhost"
    if ":" in hostname:
        hostname = f"[{hostname}]"
    return f"http://{hostname}:{port}"


def content_security_policy(socket_url: str) -> str:
    # Inline scripts and javascript: links never run, even if markup slipped into a message.
    websocket = "ws" + socket_url[len("http") :]
    return (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; font-src 'self' data:; "
        f"connect-src 'self' {socket_url} {websocket}; "
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'self'"
    )


def make_server(host: str, port: int, settings: PageSettings) -> ThreadingHTTPServer:
    bundle = local_bundle()

    class Handler(BaseHTTPRequestHandler):
        def version_string(self) -> str:
            return "webchat"

        def do_GET(self) -> None:
            path = urlsplit(self.path).path
            if path in _STATIC:
                name, content_type = _STATIC[path]
                self._send(HTTPStatus.OK, (WEB / name).read_bytes(), content_type)
            elif path == "/vendor/rasa-webchat.js":
                self._send(HTTPStatus.OK, bundle, "text/javascript; charset=utf-8")
            elif path == "/config.json":
                self._send_json(
                    HTTPStatus.OK,
                    {
                        "socketUrl": self._socket_url(),
                        "demoCustomers": [{"email": email, "label": label} for email, label in DEMO_CUSTOMERS]
                        if settings.demo_login
                        else [],
                    },
                )
            else:
                self._send_json(HTTPStatus.NOT_FOUND, {"error": "not found"})

        def do_POST(self) -> None:
            if urlsplit(self.path).path != "/demo-token" or not settings.demo_login:
                self._send_json(HTTPStatus.NOT_FOUND, {"error": "not found"})
                return
            # JSON only: a cross-site form cannot send it without the browser asking first.
            if self.headers.get_content_type() != "application/json":
                self._send_json(HTTPStatus.UNSUPPORTED_MEDIA_TYPE, {"error": "JSON only"})
                return
            length = int(self.headers.get("Content-Length") or 0)
            if length > _MAX_BODY:
                self._send_json(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, {"error": "too large"})
                return
            try:
                email = json.loads(self.rfile.read(length)).get("email")
            except (ValueError, AttributeError):
                email = None
            if not isinstance(email, str) or email not in dict(DEMO_CUSTOMERS):
                self._send_json(HTTPStatus.FORBIDDEN, {"error": "not a demo customer"})
                return
            # PageSettings refuses a demo login without a key.
            assert settings.jwt_secret
            self._send_json(HTTPStatus.OK, {"token": demo_token(email, settings.jwt_secret)})

        def _socket_url(self) -> str:
            return socket_origin(self.headers.get("Host"), settings.socket_port)

        def _send_json(self, status: HTTPStatus, body: Dict) -> None:
            self._send(status, json.dumps(body, ensure_ascii=False).encode(), "application/json; charset=utf-8")

        def _send(self, status: HTTPStatus, body: bytes, content_type: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Content-Security-Policy", content_security_policy(self._socket_url()))
            self.send_header("X-Content-Type-Options", "nosniff")
            self.send_header("Referrer-Policy", "no-referrer")
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args) -> None:
            # Rasa's own log is what operators read; one line per static file is noise there.
            pass

    return ThreadingHTTPServer((host, port), Handler)


def check_can_serve(host: str, port: int) -> None:
    """Raise OSError now if the page could not be served (no `npm ci`, port taken), before
    the other servers spend half a minute starting."""
    local_bundle()
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind((host, port))


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--socket-port", type=int, default=5005, help="the Rasa server's port the page connects to")
    args = parser.parse_args(argv)
    start("web chat page", WebPageSettings)
    page = current(WebPageSettings)
    try:
        server = make_server(
            args.host,
            args.port,
            PageSettings(socket_port=args.socket_port, demo_login=page.demo_login, jwt_secret=page.jwt_secret),
        )
    except OSError as error:
        print(f"Webチャットのページを開始できませんでした: {error}", file=sys.stderr)
        return 1
    server.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
