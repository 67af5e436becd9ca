"""A message that asks several guide questions gets every answer, in order, in one reply.

Rasa reads one intent per message, so "振込用紙はいつ届きますか。あと、コンビニでも払えますか"
got one answer and the second question was lost. Here such a message is handled as one message
per question (bot.nlp.questions), in the order asked, each with the metadata of the whole
and the channel's one output, so the customer receives one reply with every answer.

Only when each question on its own is a guide question with an answer of its own, and no form
is waiting for an answer: anything else (a request, a question the guides do not answer, a
follow-up that leans on the first) is read as one message, as before. Installed (bot/runtime/patches.py)
inside bot.runtime.guards, so the message is cleaned and counted once.
"""

from __future__ import annotations

import functools
import logging
from typing import Any, Dict, List, Optional, Sequence

from rasa.core.agent import Agent
from rasa.core.channels.channel import UserMessage

from bot.nlp.questions import questions_in
from bot.support.guide_answers import chosen_guide_answer

logger = logging.getLogger(__name__)


async def _readings_if_each_a_guide_question(
    agent: Agent, sender_id: str, questions: Sequence[str]
) -> Optional[List[Dict[str, Any]]]:
    """Rasa's reading of each question, when each is a guide question with an answer of its own
    and no form waits; None otherwise."""
    tracker = await agent.tracker_store.retrieve(sender_id)
    if tracker is not None and tracker.active_loop_name:
        return None
    readings = [await agent.parse_message(question) for question in questions]
    answers = [chosen_guide_answer(reading) for reading in readings]
    return readings if None not in answers and len(set(answers)) == len(answers) else None


def install() -> None:
    handle_message = Agent.handle_message

    @functools.wraps(handle_message)
    async def each_question(self: Agent, message: UserMessage) -> Optional[List[Any]]:
        questions = questions_in(message.text or "")
        readings = (
            await _readings_if_each_a_guide_question(self, message.sender_id, questions) if len(questions) > 1 else None
        )
        if readings is None:
            return await handle_message(self, message)
        logger.debug("one message, %d guide questions: answered one by one", len(questions))
        replies: List[Any] = []
        for question, reading in zip(questions, readings):
            # Read once: Rasa takes the reading given and does not parse the question again.
            part = UserMessage(
                question,
                message.output_channel,
                message.sender_id,
                parse_data=reading,
                input_channel=message.input_channel,
                metadata=message.metadata,
            )
            replies += await handle_message(self, part) or []
        return replies

    Agent.handle_message = each_question
