"""Rasa's REST channel, with its body checked and its conversations kept apart from the others.

Rasa's own channel takes the sender id and even the input channel's name from the
caller, and a body without a sender lands in one shared "default" conversation. All
channels share one tracker store, so a caller who knew a LINE user id or a web chat
session id could continue that customer's conversation, verified identity included.
Here every REST sender is "rest:<sender>", the channel is always "rest", and a body
that is not {"sender": text, "message": text} gets a 400 that says what is wrong.
"""

from __future__ import annotations

from typing import Any, Optional, Text

from rasa.core.channels.rest import RestInput as RasaRestInput
from sanic import response
from sanic.exceptions import SanicException
from sanic.request import Request

SENDER_PREFIX = "rest:"
# Rasa's SQL tracker store keeps sender ids in a VARCHAR(255).
MAX_SENDER_LENGTH = 255 - len(SENDER_PREFIX)


def body_problem(body: Any) -> Optional[str]:
    """What is wrong with a webhook body, in words a developer can act on; None when it is fine."""
    if not isinstance(body, dict):
        return 'the body must be a JSON object: {"sender": "...", "message": "..."}'
    sender, message = body.get("sender"), body.get("message")
    if not isinstance(sender, str) or not sender.strip():
        return '"sender" must be a non-empty string'
    if len(sender) > MAX_SENDER_LENGTH:
        return f'"sender" must be at most {MAX_SENDER_LENGTH} characters'
    if not isinstance(message, str):
        return '"message" must be a string'
    if body.get("metadata") is not None and not isinstance(body["metadata"], dict):
        return '"metadata" must be an object'
    return None


class RestInput(RasaRestInput):
    @classmethod
    def name(cls) -> Text:
        return "rest"

    async def _extract_sender(self, req: Request) -> Optional[Text]:
        return SENDER_PREFIX + req.json["sender"]

    def _extract_input_channel(self, req: Request) -> Text:
        return self.name()

    def blueprint(self, on_new_message):
        webhook = super().blueprint(on_new_message)

        @webhook.middleware("request")
        async def check_body(request: Request):
            if request.method != "POST":
                return None
            try:
                body = request.json
            except SanicException:  # not JSON at all: answered below like any other bad body
                body = None
            problem = body_problem(body)
            if problem:
                return response.json({"error": "bad_request", "message": problem}, status=400)
            return None

        return webhook
