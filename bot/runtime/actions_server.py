"""`rasa run actions` with the bot's safeguards: only callers holding BOT_ACTIONS_SECRET, on
loopback unless told otherwise, masked logs, and a 400 for a webhook body that is not an
action call (rasa_sdk would answer it with a 500 and a traceback).

    python -m bot.runtime.actions_server --actions bot.actions --port 5055 [--host 127.0.0.1]

rasa_sdk checks no caller: whoever reaches its port could send a made-up tracker. Rasa
sends the secret as `Authorization: Bearer …` (endpoints.yml); every request but the
health check must carry it, and it is compared in constant time before the body is
parsed. The server does not start without BOT_ACTIONS_SECRET and BOT_IDENTITY_SECRET.

The checks are a rasa_sdk plugin: the action server attaches plugins' extensions to its app.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from typing import List, Optional

import pluggy
from rasa_sdk.__main__ import main as rasa_sdk_main
from rasa_sdk.plugin import plugin_manager
from sanic import Sanic, response
from sanic.exceptions import SanicException
from sanic.request import Request

from bot import log_privacy, metrics, settings
from bot.bearer import bearer_matches
from bot.store import db, repository

logger = logging.getLogger(__name__)
hookimpl = pluggy.HookimplMarker("rasa_sdk")
# Load balancers and orchestrators probe it without credentials; it says only "ok". The metrics
# page has a token of its own (BOT_METRICS_TOKEN): Prometheus need not hold the actions' secret.
OPEN_PATHS = frozenset({"/health", "/metrics"})


def count_outbox() -> None:
    """The outbox's figures as the page is read: the database, not this process, knows them."""
    with db.session_scope() as session:
        waiting, given_up = repository.outbox_counts(session)
    metrics.OUTBOX_BACKLOG.set(waiting)
    metrics.MAILS_GIVEN_UP.set(given_up)


def action_call_problem(body: object) -> str | None:
    """What is wrong with a body posted to /webhook, or None for an action call Rasa could send."""
    if not isinstance(body, dict):
        return "the body must be a JSON object"
    if not isinstance(body.get("next_action"), str):
        return '"next_action" must be a string'
    if not isinstance(body.get("tracker"), dict):
        return '"tracker" must be an object'
    if not isinstance(body.get("domain", {}), dict):
        return '"domain" must be an object'
    return None


class ActionServerGuards:
    def __init__(self, secret: str) -> None:
        self.secret = secret

    @hookimpl
    def attach_sanic_app_extensions(self, app: Sanic) -> None:
        @app.middleware("request")
        async def check_caller(request: Request):
            if request.path in OPEN_PATHS or bearer_matches(request.headers.get("Authorization"), self.secret):
                return None
            # No detail and no address in the log: an operator needs to know it happens, not more.
            logger.warning("Refused a call to %s %s without the action server's secret", request.method, request.path)
            return response.json({"error": "unauthorized"}, status=401, headers={"WWW-Authenticate": "Bearer"})

        @app.get("/metrics", name="bot_metrics")
        async def metrics_page(request: Request):
            status, body, content_type = await asyncio.to_thread(
                metrics.page, request.headers.get("Authorization"), count_outbox
            )
            return response.raw(body, status=status, content_type=content_type)

        @app.middleware("request")
        async def check_action_call(request: Request):
            # Compressed calls (Content-Encoding: deflate) are rasa_sdk's to decode and check.
            if request.path != "/webhook" or request.method != "POST" or request.headers.get("Content-Encoding"):
                return None
            try:
                body = request.json
            except SanicException:
                body = None
            problem = action_call_problem(body)
            return response.json({"error": problem}, status=400) if problem else None


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (0.0.0.0 only where a network policy keeps others out)",
    )
    args, rasa_sdk_args = parser.parse_known_args(sys.argv[1:] if argv is None else argv)
    settings.start("action server", settings.CoreSettings, settings.ActionServerSettings, settings.ActionsSettings)
    log_privacy.install()
    secret = settings.current(settings.ActionServerSettings).secret
    plugin_manager().register(ActionServerGuards(secret))
    # rasa_sdk takes its address from SANIC_HOST only, and listens on every interface without it.
    os.environ["SANIC_HOST"] = args.host
    # Rasa reads LOG_LEVEL; rasa_sdk only a flag. One variable sets both.
    debug = ["--debug"] if settings.current(settings.CoreSettings).log_level == "DEBUG" else []
    sys.argv = ["rasa_sdk", *rasa_sdk_args, *debug]
    rasa_sdk_main()
    return 0


if __name__ == "__main__":
    sys.exit(main())
