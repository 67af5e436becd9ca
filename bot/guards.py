"""What stands between a customer's message and Rasa, installed by bot/rasa_server.py.

Rasa 3.6 answers nothing when the action server is down or slow (it waits up to five
minutes), or when its tracker or lock store fails: the customer just sees silence. Two
seams change that, both in the Rasa process:

- every message goes through `Agent.handle_message`: here it is cleaned, refused
  politely when empty, too long or one too many from its sender (nothing is stored
  then), and any failure while Rasa handles it becomes a polite message;
- every custom action goes through `RemoteAction.run`: here it gets a time limit, and a
  failure becomes a polite message instead of silence.

Rasa offers no hook for either, so the methods are wrapped once at start-up.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import os
from typing import Any, List, Optional

from rasa.core.actions.action import ActionExecutionRejection, ActionSessionStart, RemoteAction
from rasa.core.agent import Agent
from rasa.core.channels.channel import UserMessage
from rasa.shared.core.constants import ACTION_LISTEN_NAME, ACTION_SESSION_START_NAME
from rasa.shared.core.events import BotUttered, Event, FollowupAction

from bot import shared_state
from bot.support.messages import DEFAULT_MAX_CHARS, DEFAULT_PER_MINUTE, Problem, clean, problem_with

logger = logging.getLogger(__name__)

EMPTY_REPLY = "メッセージが空でした。ご質問の内容を入力してお送りください。"
TOO_LONG_REPLY = "メッセージが長すぎるため、お受けできませんでした({limit}文字まで)。ご質問を短くまとめて、もう一度お送りください。"
RATE_LIMITED_REPLY = "短い時間に多くのメッセージが届いたため、お答えを止めています。1分ほどおいてから、もう一度お送りください。"
TROUBLE_REPLY = (
    "申し訳ありません。ただいまシステムに問題が発生しており、お答えできませんでした。"
    "少し時間をおいてから、もう一度お送りください。解決しない場合は「担当者と話したい」とお送りください。"
)
DEFAULT_ACTION_TIMEOUT = 2.5


def _int_setting(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def max_message_chars() -> int:
    """BOT_MAX_MESSAGE_CHARS: longer messages are refused (default 2000)."""
    return _int_setting("BOT_MAX_MESSAGE_CHARS", DEFAULT_MAX_CHARS)


def messages_per_minute() -> int:
    """BOT_RATE_LIMIT_PER_MINUTE: messages one sender may send a minute (default 20)."""
    return _int_setting("BOT_RATE_LIMIT_PER_MINUTE", DEFAULT_PER_MINUTE)


def action_timeout() -> float:
    """BOT_ACTION_TIMEOUT_SECONDS: how long a custom action may take (default 2.5, so the
    customer hears something within 3 seconds)."""
    value = os.environ.get("BOT_ACTION_TIMEOUT_SECONDS")
    return float(value) if value else DEFAULT_ACTION_TIMEOUT


async def _tell(message: UserMessage, text: str) -> None:
    try:
        await message.output_channel.send_text_message(message.sender_id, text)
    except Exception:  # the channel itself is what failed: nothing more to say to anyone
        logger.exception("could not tell the customer that their message was not handled")


def guard_messages(limiter: Any, max_chars: int) -> None:
    handle_message = Agent.handle_message

    @functools.wraps(handle_message)
    async def guarded(self: Agent, message: UserMessage) -> Optional[List[Any]]:
        text = clean(message.text or "")
        problem = problem_with(text, max_chars)
        if problem is Problem.EMPTY:
            await _tell(message, EMPTY_REPLY)
            return None
        if problem is Problem.TOO_LONG:
            await _tell(message, TOO_LONG_REPLY.format(limit=max_chars))
            return None
        if not await limiter.allow(message.sender_id):
            logger.warning("rate limit: message of one sender refused")
            await _tell(message, RATE_LIMITED_REPLY)
            return None
        message.text = text
        try:
            return await handle_message(self, message)
        except Exception as error:
            logger.error("message not handled: %s: %s", type(error).__name__, error)
            await _tell(message, TROUBLE_REPLY)
            return None

    Agent.handle_message = guarded


def guard_actions(timeout: float) -> None:
    run = RemoteAction.run

    @functools.wraps(run)
    async def guarded(self: RemoteAction, output_channel, nlg, tracker, domain) -> List[Event]:
        try:
            return await asyncio.wait_for(run(self, output_channel, nlg, tracker, domain), timeout)
        except ActionExecutionRejection:
            raise  # a form's "that was no answer": Rasa's own business
        except Exception as error:
            reason = "timed out" if isinstance(error, asyncio.TimeoutError) else type(error).__name__
            if self.name() == ACTION_SESSION_START_NAME:
                # The session must start all the same; only the re-pause of a handed-over
                # conversation (bot.actions.handoff) is lost while the action server is away.
                logger.error("custom session start failed (%s); Rasa's default used", reason)
                return await ActionSessionStart().run(output_channel, nlg, tracker, domain)
            logger.error("custom action %s failed (%s); the customer is asked to try again", self.name(), reason)
            # Then listen: what Rasa would predict next builds on an action that did not happen.
            return [BotUttered(TROUBLE_REPLY, metadata={"guard": "action_failed"}), FollowupAction(ACTION_LISTEN_NAME)]

    RemoteAction.run = guarded


def install() -> None:
    guard_messages(shared_state.rate_limiter(messages_per_minute()), max_message_chars())
    guard_actions(action_timeout())
