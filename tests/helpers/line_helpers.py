"""LINE test kit: webhook bodies in LINE's format, their signatures, LINE's own schemas,
and a stand-in for the Messaging API that checks what it receives against them."""

from __future__ import annotations

import asyncio
import base64
import copy
import hashlib
import hmac
import io
import json
import secrets
import socket
import string
import threading
import time
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, AsyncIterator, Callable, Dict, List, Optional
from uuid import uuid4

import aiohttp
import jsonschema
import yaml
from aiohttp import web
from PIL import Image
from rasa.core.channels.channel import UserMessage
from sanic import Sanic

from bot.channels.line import LineInput
from openapi_schema import as_json_schema

# Copies of ../shared/line-openapi (see SOURCE.md there): CI clones the repository without it.
OPENAPI_DIR = Path(__file__).resolve().parent / "line_openapi"

SECRET = "line-test-channel-secret"
ACCESS_TOKEN = "line-test-access-token"
BOT_USER_ID = "U" + "0123456789abcdef" * 2
REPLY_PATH = "/v2/bot/message/reply"
PUSH_PATH = "/v2/bot/message/push"
LOADING_PATH = "/v2/bot/chat/loading/start"
QUOTA_PATH = "/v2/bot/message/quota"
QUOTA_CONSUMPTION_PATH = "/v2/bot/message/quota/consumption"
SCHEMAS = {
    REPLY_PATH: "ReplyMessageRequest",
    PUSH_PATH: "PushMessageRequest",
    LOADING_PATH: "ShowLoadingAnimationRequest",
}


# --- LINE's schemas -------------------------------------------------------------------


@lru_cache(maxsize=None)
def _resolver(document: str) -> jsonschema.RefResolver:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml: five times faster on these files
    openapi = yaml.load((OPENAPI_DIR / document).read_text(encoding="utf-8"), Loader=loader)
    return jsonschema.RefResolver.from_schema(as_json_schema(openapi))


@lru_cache(maxsize=None)
def _validator(document: str, schema_name: str) -> jsonschema.Draft202012Validator:
    ref = {"$ref": f"#/components/schemas/{schema_name}"}
    return jsonschema.Draft202012Validator(ref, resolver=_resolver(document))


# The resolver keeps a scope stack: the stand-in's thread and the tests must not share it at once.
_validating = threading.Lock()


def schema_errors(document: str, schema_name: str, instance: Any) -> List[str]:
    with _validating:
        errors = list(_validator(document, schema_name).iter_errors(instance))
    # A dispatched type's base is checked twice, by the dispatcher and by the subtype: say each error once.
    return list(dict.fromkeys(f"{'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message}" for e in errors))


def limit_errors(body: Dict[str, Any]) -> List[str]:
    """Limits in LINE's reference that its OpenAPI file does not state, counted in UTF-16 code
    units (the strict reading)."""

    def units(text: str) -> int:
        return len(text.encode("utf-16-le")) // 2

    errors = []
    if "loadingSeconds" in body and body["loadingSeconds"] % 5:
        errors.append("loadingSeconds: must be a multiple of 5")
    for index, message in enumerate(body.get("messages") or []):
        if message.get("type") == "text" and not 1 <= units(message.get("text", "")) <= 5000:
            errors.append(f"messages/{index}/text: must be 1 to 5000 characters")
        if message.get("type") == "flex" and not 1 <= units(message.get("altText", "")) <= 400:
            errors.append(f"messages/{index}/altText: must be 1 to 400 characters")
        for item in (message.get("quickReply") or {}).get("items", []):
            label = item.get("action", {}).get("label", "")
            if units(label) > 20:
                errors.append(f"messages/{index}/quickReply: label {label!r} is longer than 20 characters")
            if units(item.get("action", {}).get("displayText", "")) > 300:
                errors.append(f"messages/{index}/quickReply: displayText longer than 300 characters")
    return errors


def rich_menu_limit_errors(menu: Dict[str, Any]) -> List[str]:
    """The rich menu object's limits in LINE's reference that the OpenAPI file leaves out."""
    width, height = menu["size"]["width"], menu["size"]["height"]
    errors = []
    if not (800 <= width <= 2500 and height >= 250 and width / height >= 1.45):
        errors.append(f"size {width}x{height}: width 800 to 2500, height 250 or more, width/height 1.45 or more")
    if not 1 <= len(menu.get("areas", [])) <= 20:
        errors.append("areas: 1 to 20")
    for index, area in enumerate(menu.get("areas", [])):
        b = area["bounds"]
        if b["x"] + b["width"] > width or b["y"] + b["height"] > height:
            errors.append(f"areas/{index}: outside the menu")
        action = area["action"]
        if len(action.get("label", "")) > 20 or len(action.get("displayText", "")) > 300:
            errors.append(f"areas/{index}/action: label over 20 or displayText over 300 characters")
    return errors


def rich_menu_image_errors(image: bytes, content_type: str, menu: Dict[str, Any]) -> List[str]:
    if menu["image"] is not None:
        return ["An image has already been uploaded to the richmenu"]
    if content_type not in ("image/png", "image/jpeg") or len(image) > 1024 * 1024:
        return [f"the image must be a JPEG or PNG of at most 1 MB, not {content_type} of {len(image)} bytes"]
    size = Image.open(io.BytesIO(image)).size
    expected = (menu["request"]["size"]["width"], menu["request"]["size"]["height"])
    return [] if size == expected else [f"image size {size} is not the menu's {expected}"]


def assert_callback_body(body: Dict[str, Any]) -> None:
    errors = schema_errors("webhook.yml", "CallbackRequest", body)
    assert not errors, f"not a webhook body in LINE's format: {errors}"


# --- webhook bodies -------------------------------------------------------------------


def new_user_id() -> str:
    return "U" + secrets.token_hex(16)


def new_reply_token() -> str:
    return secrets.token_hex(16)


def new_event_id() -> str:
    """A ULID, as LINE's webhookEventId is: 48-bit milliseconds, then 80 random bits, in Crockford base32."""
    alphabet = string.digits + "ABCDEFGHJKMNPQRSTVWXYZ"
    value = (int(time.time() * 1000) << 80) | secrets.randbits(80)
    return "".join(alphabet[(value >> shift) & 31] for shift in range(125, -1, -5))


def _event(kind: str, user: str, **fields: Any) -> Dict[str, Any]:
    return {
        "type": kind,
        "mode": "active",
        "timestamp": int(time.time() * 1000),
        "source": {"type": "user", "userId": user},
        "webhookEventId": new_event_id(),
        "deliveryContext": {"isRedelivery": False},
        **fields,
    }


def _message_event(user: str, message: Dict[str, Any]) -> Dict[str, Any]:
    content = {"id": str(secrets.randbelow(10**18)), "quoteToken": secrets.token_urlsafe(16), **message}
    return _event("message", user, replyToken=new_reply_token(), message=content)


def text_event(text: str, user: str) -> Dict[str, Any]:
    return _message_event(user, {"type": "text", "text": text})


def in_group(event: Dict[str, Any]) -> str:
    """Moves `event` into a new group chat, as the same user writes there; returns the group's ID."""
    group = "C" + new_user_id()[1:]
    event["source"] = {"type": "group", "groupId": group, "userId": event["source"]["userId"]}
    return group


def sticker_event(user: str) -> Dict[str, Any]:
    return _message_event(
        user, {"type": "sticker", "packageId": "446", "stickerId": "1988", "stickerResourceType": "STATIC"}
    )


def image_event(user: str) -> Dict[str, Any]:
    return _message_event(user, {"type": "image", "contentProvider": {"type": "line"}})


def postback_event(data: str, user: str) -> Dict[str, Any]:
    return _event("postback", user, replyToken=new_reply_token(), postback={"data": data})


def follow_event(user: str) -> Dict[str, Any]:
    return _event("follow", user, replyToken=new_reply_token(), follow={"isUnblocked": False})


def unfollow_event(user: str) -> Dict[str, Any]:
    return _event("unfollow", user)


def redelivery(event: Dict[str, Any]) -> Dict[str, Any]:
    """The same event again, as LINE sends it when our 200 did not reach it in time."""
    return {**copy.deepcopy(event), "deliveryContext": {"isRedelivery": True}}


def callback_body(*events: Dict[str, Any]) -> bytes:
    """The raw body LINE posts (UTF-8 JSON, Japanese unescaped), checked against LINE's schema."""
    body = {"destination": BOT_USER_ID, "events": list(events)}
    assert_callback_body(body)
    return json.dumps(body, ensure_ascii=False).encode("utf-8")


def sign(secret: str, body: bytes) -> str:
    """X-Line-Signature as LINE documents it, written out here rather than taken from the channel."""
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


async def post_webhook(url: str, body: bytes, signature: Optional[str]) -> int:
    headers = {"Content-Type": "application/json"}
    if signature is not None:
        headers["X-Line-Signature"] = signature
    async with aiohttp.ClientSession() as session:
        async with session.post(url, data=body, headers=headers, timeout=aiohttp.ClientTimeout(total=10)) as response:
            return response.status


# --- the Messaging API stand-in -------------------------------------------------------


@dataclass
class Call:
    path: str
    body: Any
    headers: Dict[str, str]
    status: int
    accepted: bool
    errors: List[str] = field(default_factory=list)

    @property
    def texts(self) -> List[str]:
        """What the customer reads of each message: its text, or a card's altText."""
        return [message.get("text") or message.get("altText") for message in self.body["messages"]]

    @property
    def cards(self) -> List[Dict[str, str]]:
        """Each Flex card's rows as label → value."""
        return [
            {
                row["contents"][0]["text"]: row["contents"][1]["text"]
                for box in message["contents"]["body"]["contents"]
                if box["type"] == "box"
                for row in box["contents"]
            }
            for message in self.body["messages"]
            if message["type"] == "flex"
        ]

    @property
    def to(self) -> str:
        """The reply token of a reply, the recipient of a push."""
        return self.body.get("replyToken") or self.body.get("to")


class LineApiStandIn:
    """The reply, push and loading-indicator endpoints on a free local port, in a thread with its own event loop.

    Like LINE, it checks the access token, the body against LINE's schema, that a reply token
    works once (and not after `expire`), and that a push retry key is accepted once (409 after).
    Every call is recorded, refused ones too.
    """

    def __init__(self, access_token: str = ACCESS_TOKEN) -> None:
        self.access_token = access_token
        self.calls: List[Call] = []
        self._lock = threading.Lock()
        self._used_tokens: set = set()
        self._retry_keys: set = set()
        self._failures: Dict[str, List[Dict[str, Any]]] = {}
        self._hangs: Dict[str, List[float]] = {}
        # Rich menus by ID: the menu object and its image (None until uploaded); the default's ID.
        self.rich_menus: Dict[str, Dict[str, Any]] = {}
        self.default_rich_menu: Optional[str] = None
        # The month's target limit for sent messages (None: no limit), and what was sent so far.
        self.monthly_limit: Optional[int] = None
        self.sent_this_month = 0
        self._socket = socket.socket()
        self._socket.bind(("127.0.0.1", 0))
        self.base_url = f"http://127.0.0.1:{self._socket.getsockname()[1]}"
        self._loop = asyncio.new_event_loop()
        self._thread: Optional[threading.Thread] = None

    def __enter__(self) -> "LineApiStandIn":
        started = threading.Event()
        self._thread = threading.Thread(target=self._serve, args=(started,), daemon=True)
        self._thread.start()
        assert started.wait(10), "the LINE API stand-in did not start"
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)

    def bot_environment(self) -> Dict[str, str]:
        """What a bot needs to use this stand-in as its LINE."""
        return {
            "LINE_CHANNEL_SECRET": SECRET,
            "LINE_CHANNEL_ACCESS_TOKEN": self.access_token,
            "LINE_API_BASE": self.base_url,
        }

    def expire(self, reply_token: str) -> None:
        with self._lock:
            self._used_tokens.add(reply_token)

    def fail_next(self, path: str, status: int = 500, *, accept: bool = False, html: Optional[str] = None) -> None:
        """Answer the next call to `path` with `status`; with accept=True it went through all the same.

        `html` answers with a page instead of LINE's JSON, as a proxy in between might.
        """
        with self._lock:
            self._failures.setdefault(path, []).append({"status": status, "accept": accept, "html": html})

    def delivered(self, to: Optional[str] = None) -> List[Call]:
        """Messages LINE would have delivered, in order; only those for one reply token or recipient if given."""
        with self._lock:
            return [
                call
                for call in self.calls
                if call.accepted and call.path in (REPLY_PATH, PUSH_PATH) and to in (None, call.to)
            ]

    def loading_shown(self) -> List[str]:
        """The chats LINE showed its loading indicator in, in order."""
        with self._lock:
            return [call.body["chatId"] for call in self.calls if call.accepted and call.path == LOADING_PATH]

    async def wait_for(self, done: Callable[[List[Call]], bool], timeout: float = 10) -> List[Call]:
        deadline = time.monotonic() + timeout
        while not done(self.delivered()):
            if time.monotonic() > deadline:
                raise AssertionError(f"the LINE API stand-in did not get what was expected; calls: {self.calls}")
            await asyncio.sleep(0.02)
        return self.delivered()

    def _serve(self, started: threading.Event) -> None:
        asyncio.set_event_loop(self._loop)
        app = web.Application()
        app.router.add_post(REPLY_PATH, self._receive)
        app.router.add_post(PUSH_PATH, self._receive)
        app.router.add_post(LOADING_PATH, self._receive)
        app.router.add_get(QUOTA_PATH, self._quota)
        app.router.add_get(QUOTA_CONSUMPTION_PATH, self._quota)
        app.router.add_post("/v2/bot/richmenu/validate", self._rich_menu)
        app.router.add_post("/v2/bot/richmenu", self._rich_menu)
        app.router.add_get("/v2/bot/richmenu/list", self._rich_menu)
        app.router.add_post("/v2/bot/richmenu/{id}/content", self._rich_menu)
        app.router.add_delete("/v2/bot/richmenu/{id}", self._rich_menu)
        app.router.add_post("/v2/bot/user/all/richmenu/{id}", self._rich_menu)
        runner = web.AppRunner(app, access_log=None)
        self._loop.run_until_complete(runner.setup())
        self._loop.run_until_complete(web.SockSite(runner, self._socket).start())
        started.set()
        self._loop.run_forever()
        self._loop.run_until_complete(runner.cleanup())
        self._loop.close()

    def hang_next(self, path: str, seconds: float) -> None:
        """Answer the next call to `path` only after `seconds`, as LINE might when it is in trouble."""
        with self._lock:
            self._hangs.setdefault(path, []).append(seconds)

    async def _receive(self, request: web.Request) -> web.Response:
        with self._lock:
            hang = self._hangs.get(request.path, []).pop(0) if self._hangs.get(request.path) else 0
        await asyncio.sleep(hang)
        try:
            body = await request.json()
        except ValueError:
            body = None
        with self._lock:
            status, answer, accepted, errors = self._decide(request.path, body, request.headers)
            self.calls.append(Call(request.path, body, dict(request.headers), status, accepted, errors))
        if isinstance(answer, str):
            return web.Response(text=answer, status=status, content_type="text/html")
        return web.json_response(answer, status=status)

    async def _quota(self, request: web.Request) -> web.Response:
        """The month's limit and use, in the shapes of LINE's MessageQuotaResponse and QuotaConsumptionResponse."""
        with self._lock:
            if request.headers.get("Authorization") != f"Bearer {self.access_token}":
                status, answer = 401, {"message": "Authentication failed."}
            elif request.path == QUOTA_CONSUMPTION_PATH:
                status, answer = 200, {"totalUsage": self.sent_this_month}
            elif self.monthly_limit is None:
                status, answer = 200, {"type": "none"}
            else:
                status, answer = 200, {"type": "limited", "value": self.monthly_limit}
            schema = "QuotaConsumptionResponse" if request.path == QUOTA_CONSUMPTION_PATH else "MessageQuotaResponse"
            errors = schema_errors("messaging-api.yml", schema, answer) if status == 200 else []
            self.calls.append(Call(request.path, None, dict(request.headers), status, status == 200, errors))
        return web.json_response(answer, status=status)

    async def _rich_menu(self, request: web.Request) -> web.Response:
        """The rich menu calls of `make line-setup`, with the limits LINE's reference states."""
        body = await request.read()
        with self._lock:
            # fail_next takes the route as LINE's reference writes it: "/v2/bot/richmenu/{id}/content".
            queued = self._failures.get(request.match_info.route.resource.canonical)
            failure = queued.pop(0) if queued else None
            if failure:
                status, answer = failure["status"], {"message": "Stand-in failure"}
            else:
                status, answer = self._decide_rich_menu(request, body)
            kept = None if request.path.endswith("/content") else (json.loads(body) if body else None)
            self.calls.append(
                Call(
                    request.path,
                    kept,
                    dict(request.headers),
                    status,
                    status == 200,
                    [answer["message"]] if status == 400 else [],
                )
            )
        return web.json_response(answer, status=status)

    def _decide_rich_menu(self, request: web.Request, body: bytes):
        if request.headers.get("Authorization") != f"Bearer {self.access_token}":
            return 401, {"message": "Authentication failed."}
        menu_id = request.match_info.get("id")
        if request.method == "GET":
            return 200, {"richmenus": [{"richMenuId": key, **menu["request"]} for key, menu in self.rich_menus.items()]}
        if menu_id is not None and menu_id not in self.rich_menus:
            return 404, {"message": "Not found"}
        if request.method == "DELETE":
            del self.rich_menus[menu_id]
            if self.default_rich_menu == menu_id:
                self.default_rich_menu = None
            return 200, {}
        if request.path.endswith("/content"):
            errors = rich_menu_image_errors(body, request.headers.get("Content-Type", ""), self.rich_menus[menu_id])
            if errors:
                return 400, {"message": "; ".join(errors)}
            self.rich_menus[menu_id]["image"] = body
            return 200, {}
        if menu_id is not None:
            if self.rich_menus[menu_id]["image"] is None:
                return 400, {"message": "must upload richmenu image before applying it to user"}
            self.default_rich_menu = menu_id
            return 200, {}
        menu = json.loads(body)
        errors = schema_errors("messaging-api.yml", "RichMenuRequest", menu) + rich_menu_limit_errors(menu)
        if errors:
            return 400, {"message": "; ".join(errors)}
        if request.path.endswith("/validate"):
            return 200, {}
        new_id = "richmenu-" + secrets.token_hex(16)
        self.rich_menus[new_id] = {"request": menu, "image": None}
        return 200, {"richMenuId": new_id}

    def _decide(self, path: str, body: Any, headers: Any):
        if headers.get("Authorization") != f"Bearer {self.access_token}":
            return (
                401,
                {
                    "message": "Authentication failed. Confirm that the access token in the "
                    "authorization header is valid."
                },
                False,
                [],
            )
        errors = schema_errors("messaging-api.yml", SCHEMAS[path], body) + (
            limit_errors(body) if isinstance(body, dict) else []
        )
        if errors:
            return (
                400,
                {"message": "The request body has errors", "details": [{"message": e} for e in errors]},
                False,
                errors,
            )
        queued = self._failures.get(path)
        failure = queued.pop(0) if queued else None
        if failure and not failure["accept"]:
            return failure["status"], failure["html"] or {"message": "Stand-in failure"}, False, []
        if path == LOADING_PATH:
            return 202, {}, True, []
        sent = {"sentMessages": [{"id": str(secrets.randbelow(10**18))} for _ in body["messages"]]}
        if path == REPLY_PATH:
            if body["replyToken"] in self._used_tokens:
                return 400, {"message": "Invalid reply token"}, False, []
            self._used_tokens.add(body["replyToken"])
        else:
            key = headers.get("X-Line-Retry-Key")
            if key in self._retry_keys:
                return 409, {"message": "The retry key is already accepted", **sent}, False, []
            if self.monthly_limit is not None and self.sent_this_month + len(body["messages"]) > self.monthly_limit:
                return 429, {"message": "You have reached your monthly limit."}, False, []
            if key:
                self._retry_keys.add(key)
            self.sent_this_month += len(body["messages"])
        if failure:
            return failure["status"], {"message": "Stand-in failure"}, True, []
        return 200, sent, True, []


# --- the channel on a real Sanic server, with a scripted Rasa -------------------------


class FakeRasa:
    """In place of Rasa's agent: records what reaches it and answers from a script.

    A text in `hold` waits until the test sets its asyncio.Event, like a slow action; a text
    in `broken` fails, like an unreachable action server.
    """

    def __init__(self, script: Dict[str, List[Dict[str, Any]]]) -> None:
        self.script = script
        self.received: List[UserMessage] = []
        self.hold: Dict[str, asyncio.Event] = {}
        self.broken: set = set()

    async def on_new_message(self, message: UserMessage) -> None:
        self.received.append(message)
        if message.text in self.hold:
            await self.hold[message.text].wait()
        if message.text in self.broken:
            raise RuntimeError("action server unreachable")
        for answer in self.script.get(message.text, [{"text": f"「{message.text}」ですね。"}]):
            await message.output_channel.send_response(message.sender_id, dict(answer))


@asynccontextmanager
async def serving(channel: LineInput, on_new_message: Callable) -> AsyncIterator[str]:
    """The channel's blueprint on a Sanic server on a free port, as Rasa mounts it; yields the webhook URL."""
    # As sanic-testing does: otherwise the second app started in one process fails in Sanic's touchup.
    Sanic.test_mode = True
    app = Sanic(f"line_test_{uuid4().hex}", configure_logging=False)
    app.config.MOTD = False
    app.blueprint(channel.blueprint(on_new_message), url_prefix="/webhooks/line")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = await app.create_server(host="127.0.0.1", port=port, return_asyncio_server=True, access_log=False)
    await server.startup()
    await server.before_start()
    await server.after_start()
    try:
        yield f"http://127.0.0.1:{port}/webhooks/line/webhook"
    finally:
        await server.before_stop()
        await server.close()
        await server.after_stop()
