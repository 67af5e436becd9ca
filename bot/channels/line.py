"""LINE Messaging API input channel: `bot.channels.line.LineInput` in credentials.yml.

The webhook is /webhooks/line/webhook. The channel secret and access token come from the
environment (LINE_CHANNEL_SECRET, LINE_CHANNEL_ACCESS_TOKEN; LINE_API_BASE points the API
calls elsewhere, for tests), read at start by bot.settings; credentials.yml may give them instead.
Without a secret every webhook request is refused.

An answer that takes longer than LINE_LOADING_AFTER_SECONDS (default 0.8) shows LINE's loading
indicator in one-to-one chats; LINE has none for groups.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any, Awaitable, Callable, Dict, Optional

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot import settings
from bot.channels.line_api import LineApi
from bot.channels.line_dedupe import InMemorySeenEvents, SeenEvents
from bot.channels.line_messages import LineOutput
from bot.channels.line_signature import SIGNATURE_HEADER, signature_is_valid
from bot.channels.line_tasks import OrderedTasks
from bot.services.responses import of_the_domain
from bot.settings.line import DEFAULT_API_BASE, LOADING_AFTER_SECONDS, LOADING_SECONDS, loading_after_seconds

logger = logging.getLogger(__name__)

# What Rasa hears when someone adds the account as a friend: the greeting, with its quick replies.
FOLLOW_PAYLOAD = "/greet"
# The answer to a sticker, an image, a location: Rasa never reads those, so the channel says it.
SEND_TEXT_RESPONSE = "utter_line_send_text"
SHUTDOWN_GRACE_SECONDS = 10.0

OnNewMessage = Callable[[UserMessage], Awaitable[Any]]


def conversation_id(source: Optional[Dict[str, Any]]) -> Optional[str]:
    """Whom the bot talks to: the group or room when it is in one, else the user. Push goes there too."""
    source = source or {}
    return source.get("groupId") or source.get("roomId") or source.get("userId")


def text_for_rasa(event: Dict[str, Any]) -> Optional[str]:
    """What Rasa should read for this event, or None when Rasa has nothing to do with it."""
    kind = event.get("type")
    if kind == "message" and event.get("message", {}).get("type") == "text":
        return event["message"].get("text") or None
    if kind == "postback":
        # Quick reply buttons carry a Rasa payload ("/intent") or plain text.
        return event.get("postback", {}).get("data") or None
    if kind == "follow":
        return FOLLOW_PAYLOAD
    return None


class LinePushOutput(LineOutput):
    """Sends each bot message at once by push: for messages that answer no LINE event, such as
    an agent's words from the inbox, there is no reply token to wait for."""

    def __init__(self, api: LineApi) -> None:
        super().__init__()
        self._api = api

    async def send_response(self, recipient_id: str, message: Dict[str, Any]) -> None:
        await super().send_response(recipient_id, message)
        messages = self.line_messages()
        self.clear()
        await self._api.send(messages, reply_token=None, to=recipient_id)


class LineInput(InputChannel):
    def __init__(
        self,
        channel_secret: Optional[str],
        access_token: Optional[str],
        api_base: str = DEFAULT_API_BASE,
        seen_events: Optional[SeenEvents] = None,
        loading_after: float = LOADING_AFTER_SECONDS,
    ) -> None:
        self.channel_secret = channel_secret or ""
        self.loading_after = loading_after
        self.api = LineApi(access_token or "", api_base)
        self.seen_events = seen_events or InMemorySeenEvents()
        self.tasks = OrderedTasks()
        # Read at start: a domain.yml without it stops the server before a customer finds out.
        self.send_text = of_the_domain().message(SEND_TEXT_RESPONSE, self.name())
        if not self.channel_secret:
            logger.warning("LINE_CHANNEL_SECRET is not set: the LINE webhook refuses every request.")
        elif not access_token:
            logger.warning("LINE_CHANNEL_ACCESS_TOKEN is not set: the bot cannot answer on LINE.")

    @classmethod
    def name(cls) -> str:
        return "line"

    @classmethod
    def from_credentials(
        cls, credentials: Optional[Dict[str, Any]], seen_events: Optional[SeenEvents] = None
    ) -> "LineInput":
        """The channel of credentials.yml; `seen_events` is the runtime's when several Rasa processes
        serve (bot.runtime.shared_state): a redelivery may reach another one."""
        # Read here, not as ${VARS} in credentials.yml: Rasa refuses to start on an unset
        # variable there, and the bot must start without LINE configured.
        credentials = credentials or {}
        line = settings.current(settings.LineSettings)
        loading_after = credentials.get("loading_after_seconds")
        return cls(
            channel_secret=credentials.get("channel_secret") or line.channel_secret,
            access_token=credentials.get("channel_access_token") or line.access_token,
            api_base=credentials.get("api_base") or line.api_base,
            seen_events=seen_events,
            loading_after=(loading_after_seconds(loading_after) if loading_after else line.loading_after),
        )

    def get_output_channel(self) -> LinePushOutput:
        """What Rasa's HTTP API uses to reach a LINE user outside a webhook call."""
        return LinePushOutput(self.api)

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        webhook = Blueprint("line_webhook", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            if not self.channel_secret:
                return response.text("LINE channel not configured", status=403)
            signature = request.headers.get(SIGNATURE_HEADER)
            if not signature:
                return response.text("missing signature", status=401)
            if not signature_is_valid(self.channel_secret, request.body, signature):
                logger.warning("LINE webhook: request with a wrong signature refused")
                return response.text("invalid signature", status=403)
            try:
                events = json.loads(request.body)["events"]
                if not isinstance(events, list):
                    raise TypeError("events is not a list")
            except (ValueError, KeyError, TypeError):
                return response.text("malformed body", status=400)
            for event in events:
                await self._accept(event, on_new_message)
            # At once: LINE gives up on a slow webhook, and an action may take seconds.
            return response.text("OK")

        @webhook.listener("before_server_stop")
        async def finish_work(app, loop) -> None:
            await self.tasks.drain(SHUTDOWN_GRACE_SECONDS)
            await self.api.close()

        return webhook

    async def _accept(self, event: Any, on_new_message: OnNewMessage) -> None:
        if not isinstance(event, dict):
            return
        event_id = event.get("webhookEventId")
        if event_id and not await self.seen_events.first_sighting(event_id):
            logger.info("LINE webhook: event %s already handled, redelivery ignored", event_id)
            return
        key = conversation_id(event.get("source")) or event_id or ""
        self.tasks.submit(key, lambda: self._handle(event, on_new_message))

    async def _handle(self, event: Dict[str, Any], on_new_message: OnNewMessage) -> None:
        try:
            await self._answer(event, on_new_message)
        except Exception:
            logger.exception("LINE event %s could not be handled", event.get("webhookEventId"))

    async def _answer(self, event: Dict[str, Any], on_new_message: OnNewMessage) -> None:
        # In standby another module (for example a human agent's tool) answers the chat.
        if event.get("mode", "active") != "active":
            return
        recipient = conversation_id(event.get("source"))
        if recipient is None:
            return
        output = LineOutput()
        text = text_for_rasa(event)
        if text is not None:
            loading = self._show_loading_later(event)
            try:
                await on_new_message(
                    UserMessage(
                        text,
                        output,
                        recipient,
                        input_channel=self.name(),
                        message_id=event.get("webhookEventId"),
                        metadata={"line_event": event},
                    )
                )
            finally:
                if loading is not None:
                    loading.cancel()
        elif event.get("type") == "message":
            await output.send_response(recipient, dict(self.send_text))
        await self.api.send(output.line_messages(), reply_token=event.get("replyToken"), to=recipient)

    def _show_loading_later(self, event: Dict[str, Any]) -> Optional[asyncio.Task]:
        source = event.get("source") or {}
        user = source.get("userId")
        # LINE shows the indicator only in a one-to-one chat.
        if source.get("type") != "user" or not user:
            return None

        async def show() -> None:
            await asyncio.sleep(self.loading_after)
            await self.api.show_loading(user, LOADING_SECONDS)

        return asyncio.create_task(show())
