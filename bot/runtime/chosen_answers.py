"""A guide answer the customer chose from the bot's suggestions is given as chosen.

When the bot cannot tell which guide answer a message asks for, it offers the likeliest as
buttons (action_triage_unanswered) whose payload is /faq/<key>. Rasa reads "/intent" payloads,
but not a retrieval intent's answer: such a payload would be classified as text. Here it becomes
the message's reading instead: intent faq, the chosen answer as the ResponseSelector's choice,
with full confidence. A payload naming no answer of the domain is read as text, as before.
Installed (bot/runtime/patches.py) inside bot.runtime.guards.
"""

from __future__ import annotations

import functools
import re
from typing import Any, Collection, Dict, List, Optional

from rasa.core.agent import Agent
from rasa.core.channels.channel import UserMessage

from bot.support.guide_answers import GUIDE_QUESTION

_PAYLOAD = re.compile(r"^/(faq/[A-Za-z0-9_]+)$")


def chosen_answer(text: str, responses: Collection[str]) -> Optional[str]:
    """faq/<key> when `text` is the payload of a guide answer that `responses` (the domain's
    response names) has."""
    match = _PAYLOAD.match(text.strip())
    return match.group(1) if match and f"utter_{match.group(1)}" in responses else None


def reading_of(text: str, answer: str) -> Dict[str, Any]:
    """The parse Rasa would have made of a message it read as a sure request for `answer`."""
    selected = {"intent_response_key": answer, "utter_action": f"utter_{answer}", "confidence": 1.0}
    return {
        "text": text,
        "intent": {"name": GUIDE_QUESTION, "confidence": 1.0},
        "intent_ranking": [{"name": GUIDE_QUESTION, "confidence": 1.0}],
        "entities": [],
        # One ResponseSelector for every guide answer: Rasa files its choice under "default".
        "response_selector": {
            "all_retrieval_intents": [GUIDE_QUESTION],
            "default": {"response": selected, "ranking": [selected]},
        },
    }


def install() -> None:
    handle_message = Agent.handle_message

    @functools.wraps(handle_message)
    async def as_chosen(self: Agent, message: UserMessage) -> Optional[List[Any]]:
        answer = chosen_answer(message.text or "", self.domain.responses)
        if answer:
            message.parse_data = reading_of(message.text, answer)
        return await handle_message(self, message)

    Agent.handle_message = as_chosen
