"""What stands between a customer's message and Rasa: entries of bot/runtime/patches.py.

Rasa 3.6 answers nothing when the action server is down or slow (it waits up to five
minutes), or when its tracker or lock store fails: the customer just sees silence. Two
seams change that, both in the Rasa process:

- every message goes through `Agent.handle_message`: here it is cleaned, refused
  politely when empty, too long or one too many from its sender (nothing is stored
  then), and any failure while Rasa handles it becomes a polite message;
- every custom action goes through `RemoteAction.run`: here the actions of one message
  share a time budget, and a failure becomes a polite message instead of silence.

What the guards say are domain.yml's `utter_guard_*` responses, rendered by the agent's response
generator as any answer is (see GuardWords for when it cannot).

Rasa offers no hook for either, so the methods are wrapped once at start-up (the table of
bot/runtime/patches.py). Two more wraps: the PostgreSQL tracker store tests pooled connections
before use, and a tracker store error is no longer hidden (Rasa would answer as if the
conversation were new).
"""

from __future__ import annotations

import asyncio
import functools
import logging
import time
from contextvars import ContextVar
from typing import Any, Dict, List, Optional

from rasa.core import tracker_store
from rasa.core.actions.action import (
    ActionExecutionRejection,
    ActionSessionStart,
    RemoteAction,
    create_bot_utterance,
)
from rasa.core.agent import Agent
from rasa.core.channels.channel import UserMessage
from rasa.core.nlg import NaturalLanguageGenerator
from rasa.core.processor import MessageProcessor
from rasa.core.tracker_store import FailSafeTrackerStore
from rasa.shared.core.constants import ACTION_LISTEN_NAME, ACTION_SESSION_START_NAME
from rasa.shared.core.events import Event, FollowupAction
from rasa.shared.core.trackers import DialogueStateTracker

from bot.metrics import ACTION_FAILURES
from bot.services.responses import of_the_domain
from bot.support.messages import Problem, clean, problem_with

logger = logging.getLogger(__name__)

EMPTY = "utter_guard_empty"
TOO_LONG = "utter_guard_too_long"
RATE_LIMITED = "utter_guard_rate_limited"
TROUBLE = "utter_guard_trouble"


class GuardWords:
    """What a guard says: its response as the agent's response generator renders it for the channel,
    like any answer (a response generator of endpoints.yml included).

    The guards speak when things are broken, so they must not depend on what broke. When the agent
    cannot render the response (no model loaded yet, a model trained before the response existed, a
    failing response generator), the guard says domain.yml's default text instead: read and rendered
    here, when the wrap is installed, so that a server whose domain.yml lacks a guard's words does not
    start, and a running one always has them."""

    def __init__(self, names: List[str], **values: Any) -> None:
        responses = of_the_domain()
        self._values = values
        self._fallback = {name: responses.message(name, "", **values) for name in names}

    async def message(
        self, nlg: NaturalLanguageGenerator, name: str, tracker: DialogueStateTracker, channel: str
    ) -> Dict[str, Any]:
        try:
            message = await nlg.generate(name, tracker, channel, **self._values)
        except Exception as error:
            logger.error(
                "%s not rendered by the agent (%s: %s); domain.yml's words said", name, type(error).__name__, error
            )
            message = None
        return dict(message or self._fallback[name])


class _TurnBudget:
    """The time one message may take before its custom actions are given up. It starts when Rasa
    begins on the message, its conversation's lock held, not with the first action: the customer
    counts the seconds from their message, and on a busy machine understanding it takes a good part
    of them (CI once saw 3.01 s when only the actions were counted). Waiting for the lock does not
    count: a customer's own earlier message is not this one's slowness, and a burst of messages
    would otherwise leave the last ones no time at all."""

    def __init__(self, seconds: float) -> None:
        self.deadline = time.monotonic() + seconds

    def left(self) -> float:
        return max(0.0, self.deadline - time.monotonic())


# One budget for the whole turn: a new customer's first message alone calls two actions.
_turn_budget: ContextVar[Optional[_TurnBudget]] = ContextVar("turn_budget", default=None)


async def _tell(agent: Agent, words: GuardWords, message: UserMessage, response: str) -> None:
    # No tracker: reading the conversation may be what failed, and a refused message reads none.
    tracker = DialogueStateTracker(message.sender_id, [])
    channel = message.output_channel
    said = await words.message(agent.nlg, response, tracker, channel.name())
    try:
        await channel.send_response(message.sender_id, said)
    except Exception:  # the channel itself is what failed: nothing more to say to anyone
        logger.exception("could not tell the customer that their message was not handled")


def guard_messages(limiter: Any, max_chars: int, at_once: int) -> None:
    handle_message = Agent.handle_message
    words = GuardWords([EMPTY, TOO_LONG, RATE_LIMITED, TROUBLE], limit=max_chars)
    # Bound to the server's event loop when first used (Python 3.10 and later).
    slots = asyncio.Semaphore(at_once)

    @functools.wraps(handle_message)
    async def guarded(self: Agent, message: UserMessage) -> Optional[List[Any]]:
        text = clean(message.text or "")
        problem = problem_with(text, max_chars)
        if problem is Problem.EMPTY:
            await _tell(self, words, message, EMPTY)
            return None
        if problem is Problem.TOO_LONG:
            await _tell(self, words, message, TOO_LONG)
            return None
        if not await limiter.allow(message.sender_id):
            logger.warning("rate limit: message of one sender refused")
            await _tell(self, words, message, RATE_LIMITED)
            return None
        message.text = text
        try:
            # A Rasa process works on its messages on one event loop: given a hundred at once it
            # finishes none in time. The rest wait here, where no budget runs yet.
            async with slots:
                return await handle_message(self, message)
        except Exception as error:
            logger.error("message not handled: %s: %s", type(error).__name__, error)
            await _tell(self, words, message, TROUBLE)
            return None

    Agent.handle_message = guarded


def budget_turns(seconds: float) -> None:
    handle_message = MessageProcessor.handle_message

    @functools.wraps(handle_message)
    async def budgeted(self: MessageProcessor, message: UserMessage) -> Any:
        _turn_budget.set(_TurnBudget(seconds))
        return await handle_message(self, message)

    MessageProcessor.handle_message = budgeted


def guard_actions(timeout: float) -> None:
    run = RemoteAction.run
    words = GuardWords([TROUBLE])

    @functools.wraps(run)
    async def guarded(self: RemoteAction, output_channel, nlg, tracker, domain) -> List[Event]:
        budget = _turn_budget.get()
        left = timeout if budget is None else budget.left()
        try:
            if left <= 0:
                raise asyncio.TimeoutError  # the turn's budget is spent: do not even ask
            return await asyncio.wait_for(run(self, output_channel, nlg, tracker, domain), left)
        except ActionExecutionRejection:
            raise  # a form's "that was no answer": Rasa's own business
        except Exception as error:
            timed_out = isinstance(error, asyncio.TimeoutError)
            reason = "timed out" if timed_out else type(error).__name__
            ACTION_FAILURES.labels(self.name(), "timeout" if timed_out else "error").inc()
            if self.name() == ACTION_SESSION_START_NAME:
                # The session must start all the same; only the re-pause of a handed-over
                # conversation (bot.actions.handoff) is lost while the action server is away.
                logger.error("custom session start failed (%s); Rasa's default used", reason)
                return await ActionSessionStart().run(output_channel, nlg, tracker, domain)
            logger.error("custom action %s failed (%s); the customer is asked to try again", self.name(), reason)
            message = await words.message(nlg, TROUBLE, tracker, output_channel.name())
            uttered = create_bot_utterance({**message, "utter_action": TROUBLE, "guard": "action_failed"})
            # Then listen: what Rasa would predict next builds on an action that did not happen.
            return [uttered, FollowupAction(ACTION_LISTEN_NAME)]

    RemoteAction.run = guarded


def check_pooled_connections() -> None:
    """PostgreSQL tracker store connections are tested before use, so that after a database
    restart the next message is answered instead of failing on a dead pooled connection."""
    engine_kwargs = tracker_store.create_engine_kwargs

    @functools.wraps(engine_kwargs)
    def with_pre_ping(url):
        return {**engine_kwargs(url), "pool_pre_ping": True}

    tracker_store.create_engine_kwargs = with_pre_ping


def fail_loudly_on_store_errors() -> None:
    """Rasa wraps the tracker store so that a database error on reading means "no conversation
    yet" and one on writing keeps the conversation in memory: a customer in the middle of a
    form would be answered as a stranger, and what they said then kept nowhere that lasts.
    The errors go up instead, where guard_messages answers politely and nothing is stored."""

    async def retrieve(self, sender_id):
        return await self._tracker_store.retrieve(sender_id)

    async def retrieve_full_tracker(self, sender_id):
        return await self._tracker_store.retrieve_full_tracker(sender_id)

    async def save(self, tracker):
        await self._tracker_store.save(tracker)

    FailSafeTrackerStore.retrieve = retrieve
    FailSafeTrackerStore.retrieve_full_tracker = retrieve_full_tracker
    FailSafeTrackerStore.save = save
