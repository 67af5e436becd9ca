"""A message that asks several guide questions gets every answer, in order, in one reply.

Rasa reads one intent per message, so "振込用紙はいつ届きますか。あと、コンビニでも払えますか"
got one answer and the second question was lost. Here such a message is handled as one message
per question (bot.support.questions), in the order asked, each with the metadata of the whole
and the channel's one output, so the customer receives one reply with every answer.

Only when each question on its own is a guide question with an answer of its own, and no form
is waiting for an answer: anything else (a request, a question the guides do not answer, a
follow-up that leans on the first) is read as one message, as before. Installed by
bot/rasa_server.py inside bot.guards, so the message is cleaned and counted once.
"""

from __future__ import annotations

import functools
import logging
from typing import Any, List, Optional, Sequence

from rasa.core.agent import Agent
from rasa.core.channels.channel import UserMessage
from bot.support.guide_answers import chosen_guide_answer
from bot.support.questions import questions_in

logger = logging.getLogger(__name__)


async def _each_a_guide_question(agent: Agent, sender_id: str, questions: Sequence[str]) -> bool:
    tracker = await agent.tracker_store.retrieve(sender_id)
    if tracker is not None and tracker.active_loop_name:
        return False
    answers = [chosen_guide_answer(await agent.parse_message(question)) for question in questions]
    return None not in answers and len(set(answers)) == len(answers)


def install() -> None:
    handle_message = Agent.handle_message

    @functools.wraps(handle_message)
    async def each_question(self: Agent, message: UserMessage) -> Optional[List[Any]]:
        questions = questions_in(message.text or "")
        if len(questions) < 2 or not await _each_a_guide_question(self, message.sender_id, questions):
            return await handle_message(self, message)
        logger.debug("one message, %d guide questions: answered one by one", len(questions))
        replies: List[Any] = []
        for question in questions:
            part = UserMessage(question, message.output_channel, message.sender_id,
                               input_channel=message.input_channel, metadata=message.metadata)
            replies += await handle_message(self, part) or []
        return replies

    Agent.handle_message = each_question
