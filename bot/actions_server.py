"""`rasa run actions` with the bot's safeguards: masked logs, and a 400 for a webhook body
that is not an action call (rasa_sdk would answer it with a 500 and a traceback).

The check is a rasa_sdk plugin: the action server attaches plugins' extensions to its app.
"""

from __future__ import annotations

import os
import sys

import pluggy
from rasa_sdk.__main__ import main as rasa_sdk_main
from rasa_sdk.plugin import plugin_manager
from sanic import Sanic, response
from sanic.exceptions import SanicException
from sanic.request import Request

from bot import log_privacy

hookimpl = pluggy.HookimplMarker("rasa_sdk")


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


class WebhookBodyCheck:
    @hookimpl
    def attach_sanic_app_extensions(self, app: Sanic) -> None:
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


def main() -> None:
    log_privacy.install()
    plugin_manager().register(WebhookBodyCheck())
    # Rasa reads LOG_LEVEL; rasa_sdk only a flag. One variable sets both.
    debug = ["--debug"] if os.environ.get("LOG_LEVEL", "").upper() == "DEBUG" else []
    sys.argv = ["rasa_sdk", *sys.argv[1:], *debug]
    rasa_sdk_main()


if __name__ == "__main__":
    main()
