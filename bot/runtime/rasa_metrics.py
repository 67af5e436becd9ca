"""The Rasa server's counts (bot.metrics) and its `GET /metrics`, installed at start (bot/runtime/patches.py).

Messages and turn times are taken outermost, around bot.runtime.guards, so that refused messages count too
and a turn's time includes its wait for a free slot, as the customer lives it.
"""

from __future__ import annotations

import functools
import time
from typing import Any

from rasa.core import run as rasa_run
from rasa.core.agent import Agent
from rasa.core.channels.channel import UserMessage
from rasa.core.processor import MessageProcessor
from sanic import response
from sanic.request import Request

from bot import metrics
from bot.support.guide_answers import chosen_guide_answer


def count_messages() -> None:
    handle_message = Agent.handle_message

    @functools.wraps(handle_message)
    async def counted(self: Agent, message: UserMessage) -> Any:
        channel = message.input_channel or "unknown"
        metrics.MESSAGES.labels(channel).inc()
        started = time.perf_counter()
        try:
            return await handle_message(self, message)
        finally:
            metrics.TURN_SECONDS.labels(channel).observe(time.perf_counter() - started)

    Agent.handle_message = counted


def count_understanding() -> None:
    parse_message = MessageProcessor.parse_message

    @functools.wraps(parse_message)
    async def counted(self: MessageProcessor, message: UserMessage, *args: Any, **kwargs: Any) -> Any:
        parse_data = await parse_message(self, message, *args, **kwargs)
        metrics.count_understanding((parse_data.get("intent") or {}).get("name"), chosen_guide_answer(parse_data))
        return parse_data

    MessageProcessor.parse_message = counted


async def metrics_page(request: Request) -> response.HTTPResponse:
    status, body, content_type = metrics.page(request.headers.get("Authorization"))
    return response.raw(body, status=status, content_type=content_type)


def serve_metrics_page() -> None:
    configure_app = rasa_run.configure_app

    @functools.wraps(configure_app)
    def with_metrics(*args: Any, **kwargs: Any) -> Any:
        app = configure_app(*args, **kwargs)
        app.add_route(metrics_page, "/metrics", methods=["GET"], name="bot_metrics")
        return app

    rasa_run.configure_app = with_metrics
