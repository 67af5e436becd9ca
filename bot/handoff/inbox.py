"""The agents' inbox: unfinished tickets by priority and age, the conversation, claim, write, close.

    python -m bot.handoff.inbox --port 8081 --rasa-url http://127.0.0.1:5005

A page for people (`/`) and a JSON API for help-desk tools (`/api/…`, described in
`/api/openapi.yml`). Every API call needs `Authorization: Bearer <token>` with an agent's
token from BOT_AGENT_TOKENS; the agent's words reach the customer through Rasa's HTTP API
(RASA_API_TOKEN), in the channel the customer used. Closing a ticket gives the
conversation back to the bot. The agents named in BOT_SUPERVISORS also read the analytics
(`/analytics`), worked out from Rasa's tracker store (TRACKER_STORE_URL) and the tickets, and
label the messages the bot misunderstood in the review queue (`/review`), which exports them as
training data.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
from datetime import date
from pathlib import Path
from typing import AbstractSet, Any, Awaitable, Callable, Dict, List, Mapping, Optional, Tuple

from aiohttp import web

from bot import log_privacy, metrics, review_export, settings
from bot.domain import clock
from bot.handoff import review_labels, review_queue
from bot.handoff.agents import agent_of
from bot.handoff.rasa_api import DELIVERABLE_CHANNELS, RasaApi, RasaApiError
from bot.handoff.review_groups import grouped
from bot.services.responses import of_the_domain
from bot.store import analytics, review, tickets
from bot.store.db import get_engine, in_session, session_scope, tracker_store_url
from bot.support.transcript import conversation_lines

logger = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
WEB = HERE.parent.parent / "web"
PAGE = WEB / "inbox"
CHART_JS = WEB / "node_modules" / "chart.js" / "dist" / "chart.umd.min.js"
OPENAPI = HERE / "openapi.yml"
MAX_MESSAGE_LENGTH = 2000
# Groups are a few messages each; a request for more is not a supervisor's.
MAX_LABELLED_AT_ONCE = 500
# What the customer reads: an agent's words ({text}), and the end of the agent's part.
AGENT_MESSAGE = "utter_agent_message"
CLOSING_MESSAGE = "utter_handoff_closed"

AGENTS: web.AppKey[Mapping[str, str]] = web.AppKey("agents", dict)
SUPERVISORS = web.AppKey("supervisors", frozenset)
TRACKER_STORE = web.AppKey("tracker_store", str)
RASA = web.AppKey("rasa", RasaApi)

_HTML, _JS, _CSS = "text/html; charset=utf-8", "text/javascript; charset=utf-8", "text/css; charset=utf-8"
_STATIC = {
    "/": (PAGE / "index.html", _HTML),
    "/session.js": (PAGE / "session.js", _JS),
    "/inbox.js": (PAGE / "inbox.js", _JS),
    "/inbox.css": (PAGE / "inbox.css", _CSS),
    "/analytics": (PAGE / "analytics.html", _HTML),
    "/analytics.js": (PAGE / "analytics.js", _JS),
    "/analytics.css": (PAGE / "analytics.css", _CSS),
    "/review": (PAGE / "review.html", _HTML),
    "/review.js": (PAGE / "review.js", _JS),
    "/review.css": (PAGE / "review.css", _CSS),
    # Chart.js from npm (web/package.json), served from here: the page loads nothing from elsewhere.
    "/vendor/chart.umd.min.js": (CHART_JS, _JS),
}
_SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
        "object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


def json_response(body: Any, status: int = 200) -> web.Response:
    # Japanese as it is: agents and their tools read these.
    return web.json_response(body, status=status, dumps=lambda value: json.dumps(value, ensure_ascii=False))


class ApiError(Exception):
    """A JSON error the page shows as it is and a tool can branch on."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message

    def response(self) -> web.Response:
        return json_response({"error": self.code, "message": self.message}, status=self.status)


_STORE_ERRORS = {
    tickets.UnknownTicket: (404, "unknown_ticket", "このチケットはありません。"),
    tickets.TicketClosed: (409, "ticket_closed", "このチケットは対応が終了しています。"),
    tickets.TicketTaken: (409, "ticket_taken", "このチケットはほかの担当者が対応中です。"),
    tickets.TicketNotClaimed: (409, "ticket_not_claimed", "お客さまに送る前に、このチケットを担当してください。"),
    review.UnknownMessage: (404, "unknown_message", "このメッセージは見直し待ちにありません。再読み込みしてください。"),
    review.AlreadyLabelled: (409, "already_labelled", "ほかの方がすでにラベルを付けました。再読み込みしてください。"),
}


async def _store(work: Callable[[Any], Any]) -> Any:
    try:
        return await in_session(work)
    except tuple(_STORE_ERRORS) as failure:
        raise ApiError(*_STORE_ERRORS[type(failure)]) from None


def ticket_json(ticket: tickets.TicketRecord, full: bool = False) -> Dict[str, Any]:
    body = {
        "id": ticket.id,
        "number": ticket.number,
        "status": ticket.status,
        "priority": ticket.priority,
        "category": ticket.category,
        "channel": ticket.channel,
        "agent": ticket.agent,
        "summary": ticket.summary,
        "last_question": ticket.last_question,
        "created_at": ticket.created_at.isoformat(),
        "updated_at": ticket.updated_at.isoformat(),
        "closed_at": ticket.closed_at.isoformat() if ticket.closed_at else None,
        "can_message": ticket.channel in DELIVERABLE_CHANNELS,
    }
    if full:
        body.update(
            verified_email=ticket.verified_email,
            contact_email=ticket.contact_email,
            fields=ticket.fields,
            transcript=list(ticket.transcript),
        )
    return body


def since_handoff(events: List[Dict[str, Any]], offset: int) -> List[Dict[str, str]]:
    """The messages of the conversation after the handoff, as the agent reads them."""
    return conversation_lines(events[offset:])


def _ticket_id(request: web.Request) -> int:
    raw = request.match_info["ticket_id"]
    if not raw.isdigit() or len(raw) > 9:
        raise ApiError(404, "unknown_ticket", "このチケットはありません。")
    return int(raw)


async def _json_body(request: web.Request, shape: str) -> Dict[str, Any]:
    if request.content_type != "application/json":
        raise ApiError(415, "json_only", f"本文は JSON ({shape}) で送ってください。")
    try:
        body = await request.json()
    except ValueError:
        raise ApiError(400, "bad_json", "本文が JSON として読めません。") from None
    return body if isinstance(body, dict) else {}


async def _message_text(request: web.Request) -> str:
    text = (await _json_body(request, '{"text": "..."}')).get("text")
    if not isinstance(text, str) or not text.strip():
        raise ApiError(400, "text_required", "送る文章 (text) を入力してください。")
    if len(text) > MAX_MESSAGE_LENGTH:
        raise ApiError(400, "text_too_long", f"文章は{MAX_MESSAGE_LENGTH}文字以内にしてください。")
    return text.strip()


async def me(request: web.Request) -> web.Response:
    agent = request["agent"]
    return json_response({"agent": agent, "supervisor": agent in request.app[SUPERVISORS]})


async def list_tickets(request: web.Request) -> web.Response:
    found = await _store(tickets.unfinished_tickets)
    return json_response({"tickets": [ticket_json(ticket) for ticket in found]})


async def show_ticket(request: web.Request) -> web.Response:
    ticket_id = _ticket_id(request)
    ticket = await _store(lambda session: tickets.get_ticket(session, ticket_id))
    if ticket is None:
        raise ApiError(404, "unknown_ticket", "このチケットはありません。")
    body: Dict[str, Any] = {"ticket": ticket_json(ticket, full=True), "conversation": None}
    try:
        events = await request.app[RASA].events(ticket.sender_id)
        body["conversation"] = since_handoff(events, ticket.conversation_offset)
    except RasaApiError as failure:
        # The ticket alone still lets the agent start; the page says what is missing.
        logger.warning("inbox: conversation of ticket %s not available: %s", ticket.number, failure)
        body["conversation_error"] = "会話の続きを取得できませんでした。しばらくしてから再読み込みしてください。"
    return json_response(body)


def _count_tickets() -> None:
    with session_scope() as session:
        counts = tickets.unfinished_counts(session)
    for status, count in counts.items():
        metrics.TICKETS.labels(status).set(count)


async def metrics_page(request: web.Request) -> web.Response:
    status, body, content_type = await asyncio.to_thread(
        metrics.page, request.headers.get("Authorization"), _count_tickets
    )
    return web.Response(body=body, status=status, headers={"Content-Type": content_type})


def _supervisors_only(request: web.Request, refusal: str) -> None:
    if request["agent"] not in request.app[SUPERVISORS]:
        raise ApiError(403, "supervisors_only", refusal)


def _days(request: web.Request) -> Tuple[date, date]:
    try:
        return analytics.date_range(request.query.get("from"), request.query.get("to"), clock.today())
    except analytics.BadRange as bad:
        raise ApiError(400, "bad_dates", str(bad)) from None


async def analytics_figures(request: web.Request) -> web.Response:
    _supervisors_only(request, "分析は監督者の方のみご覧いただけます。")
    first, last = _days(request)
    tracker, now = get_engine(request.app[TRACKER_STORE]), clock.now()
    figures = await in_session(lambda session: analytics.report(session, tracker, first, last, now))
    return json_response(figures)


_REVIEW_REFUSAL = "見直しは監督者の方のみご利用いただけます。"


async def review_waiting(request: web.Request) -> web.Response:
    _supervisors_only(request, _REVIEW_REFUSAL)
    first, last = _days(request)
    tracker = get_engine(request.app[TRACKER_STORE])
    shown, waiting = await in_session(lambda session: review.queued_messages(session, tracker, first, last))
    # Outside the database session: reading a few hundred messages takes the encoder seconds.
    groups = await asyncio.to_thread(grouped, shown)
    return json_response(review_queue.body(first, last, groups, waiting))


def _valid_id(value: Any) -> bool:
    # Rasa's event ids are 32-bit integers on PostgreSQL.
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value < 2**31


async def review_label(request: web.Request) -> web.Response:
    _supervisors_only(request, _REVIEW_REFUSAL)
    body = await _json_body(request, '{"messages": [番号, ...], "label": "..."}')
    ids, label = body.get("messages"), body.get("label")
    if not isinstance(ids, list) or not 0 < len(ids) <= MAX_LABELLED_AT_ONCE or not all(map(_valid_id, ids)):
        raise ApiError(
            400,
            "messages_required",
            f"ラベルを付けるメッセージ (messages) を、1〜{MAX_LABELLED_AT_ONCE}件の番号の配列で指定してください。",
        )
    if not review_labels.is_label(label):
        raise ApiError(400, "unknown_label", "このラベル (label) は使えません。一覧にあるものを選んでください。")
    tracker, supervisor = get_engine(request.app[TRACKER_STORE]), request["agent"]
    count = await _store(lambda session: review.label_messages(session, tracker, ids, label, supervisor))
    return json_response({"labelled": count, "label": label}, status=201)


async def review_export_file(request: web.Request) -> web.Response:
    _supervisors_only(request, _REVIEW_REFUSAL)
    known = await asyncio.to_thread(review_export.known_texts)
    text, _, _ = await in_session(lambda session: review_export.export(session, known))
    return web.Response(
        text=text,
        content_type="application/yaml",
        charset="utf-8",
        headers={"Content-Disposition": f'attachment; filename="{review_export.DEFAULT_OUT.name}"'},
    )


async def claim(request: web.Request) -> web.Response:
    ticket_id, agent = _ticket_id(request), request["agent"]
    ticket = await _store(lambda session: tickets.claim_ticket(session, ticket_id, agent))
    return json_response({"ticket": ticket_json(ticket, full=True)})


async def send_message(request: web.Request) -> web.Response:
    ticket_id, agent = _ticket_id(request), request["agent"]
    text = await _message_text(request)
    ticket = await _store(lambda session: tickets.ticket_for(session, ticket_id, agent))
    if ticket.channel not in DELIVERABLE_CHANNELS:
        raise ApiError(
            409,
            "channel_cannot_receive",
            f"このお客さまのチャネル ({ticket.channel}) には送れません。"
            f"メール ({ticket.contact_email}) でご連絡ください。",
        )
    message = of_the_domain().message(AGENT_MESSAGE, ticket.channel, text=text)
    await _via_rasa(request.app[RASA].say_as_agent(ticket.sender_id, ticket.channel, agent, text, message))
    metrics.AGENT_MESSAGES.inc()
    return json_response({"delivered": True}, status=201)


async def close(request: web.Request) -> web.Response:
    ticket_id, agent = _ticket_id(request), request["agent"]
    # Checked first, so that nobody resumes a conversation another agent is holding.
    ticket = await _store(lambda session: tickets.claim_ticket(session, ticket_id, agent))
    # The bot speaks again before the ticket is closed: a failure leaves the ticket open, to try again.
    message = of_the_domain().message(CLOSING_MESSAGE, ticket.channel)
    await _via_rasa(request.app[RASA].resume(ticket.sender_id, ticket.channel, message, CLOSING_MESSAGE))
    closed = await _store(lambda session: tickets.close_ticket(session, ticket_id, agent))
    return json_response({"ticket": ticket_json(closed, full=True)})


async def _via_rasa(call: Awaitable[None]) -> None:
    try:
        await call
    except RasaApiError as failure:
        logger.error("inbox: %s", failure)
        raise ApiError(
            502, "rasa_unavailable", "ボットのサーバーに届きませんでした。しばらくしてからもう一度お試しください。"
        ) from None


async def openapi(request: web.Request) -> web.Response:
    return web.Response(body=OPENAPI.read_bytes(), content_type="application/yaml", charset="utf-8")


async def page_file(request: web.Request) -> web.Response:
    path, content_type = _STATIC[request.path]
    return web.Response(body=path.read_bytes(), headers={"Content-Type": content_type})


async def health(request: web.Request) -> web.Response:
    return json_response({"status": "ok"})


@web.middleware
async def agents_only(request: web.Request, handler):
    if request.path.startswith("/api/") and request.path != "/api/openapi.yml":
        agent = agent_of(request.headers.get("Authorization"), request.app[AGENTS])
        if agent is None:
            refusal = ApiError(401, "unauthorized", "担当者のトークンが必要です。").response()
            refusal.headers["WWW-Authenticate"] = 'Bearer realm="inbox"'
            return refusal
        request["agent"] = agent
    return await handler(request)


@web.middleware
async def json_errors(request: web.Request, handler):
    """Every answer carries the security headers; nothing answers with a traceback."""
    try:
        response = await handler(request)
    except ApiError as failure:
        response = failure.response()
    except web.HTTPException as failure:  # aiohttp's own: unknown path, wrong method, body too large
        response = ApiError(failure.status, "http_error", failure.reason).response()
    except Exception:
        logger.exception("inbox: %s %s failed", request.method, request.path)
        response = ApiError(500, "internal", "処理できませんでした。").response()
    response.headers.update(_SECURITY_HEADERS)
    return response


def make_app(
    agents: Mapping[str, str],
    rasa: RasaApi,
    supervisors: AbstractSet[str] = frozenset(),
    tracker_store: Optional[str] = None,
) -> web.Application:
    app = web.Application(middlewares=[json_errors, agents_only], client_max_size=64 * 1024)
    app[AGENTS] = dict(agents)
    app[SUPERVISORS] = frozenset(supervisors)
    app[TRACKER_STORE] = tracker_store or tracker_store_url()
    app[RASA] = rasa
    for path in _STATIC:
        app.router.add_get(path, page_file)
    app.router.add_get("/health", health)
    app.router.add_get("/metrics", metrics_page)
    app.router.add_get("/api/openapi.yml", openapi)
    app.router.add_get("/api/me", me)
    app.router.add_get("/api/tickets", list_tickets)
    app.router.add_get("/api/tickets/{ticket_id}", show_ticket)
    app.router.add_post("/api/tickets/{ticket_id}/claim", claim)
    app.router.add_post("/api/tickets/{ticket_id}/messages", send_message)
    app.router.add_post("/api/tickets/{ticket_id}/close", close)
    app.router.add_get("/api/analytics", analytics_figures)
    app.router.add_get("/api/review", review_waiting)
    app.router.add_post("/api/review/labels", review_label)
    app.router.add_get("/api/review/export", review_export_file)

    async def close_client(app: web.Application) -> None:
        await rasa.close()

    # aiohttp 3.9 declares its signals as Signal[Callable[...]], which aiosignal 1.4 (generic in the
    # callback's arguments) reads as a callback taking a callback.
    app.on_cleanup.append(close_client)  # type: ignore[arg-type]
    return app


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--rasa-url", default="http://127.0.0.1:5005")
    args = parser.parse_args(argv)
    settings.start("inbox", settings.CoreSettings, settings.InboxSettings)
    inbox = settings.current(settings.InboxSettings)
    log_privacy.install()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s - %(message)s")
    if not inbox.agents:
        logger.warning("BOT_AGENT_TOKENS is not set: the inbox refuses every API request.")
    if not CHART_JS.exists():
        logger.warning("%s is missing (make setup runs npm ci): the analytics page cannot draw its charts.", CHART_JS)
    rasa = RasaApi(args.rasa_url, inbox.rasa_api_token or "")
    web.run_app(
        make_app(inbox.agents, rasa, inbox.supervisors), host=args.host, port=args.port, print=None, access_log=None
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
