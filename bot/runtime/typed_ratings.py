"""A score typed in answer to the satisfaction question counts as the button it names.

On LINE in particular customers often type 「5」 instead of tapping; read as text, a bare digit is
an `inform` with nothing to fill. Right after the bot asked (its last message is utter_ask_csat), a
message that is only a score from 1 to 5 (half- or full-width) becomes that button's payload.
Installed (bot/runtime/patches.py) inside bot.runtime.guards.
"""

from __future__ import annotations

import functools
import json
from typing import Any, List, Optional

from rasa.core.agent import Agent
from rasa.core.channels.channel import UserMessage
from rasa.shared.core.events import BotUttered, UserUttered

from bot.support.satisfaction import ASK_RESPONSE, score_of


def rating_payload(score: int) -> str:
    return "/rate_answer" + json.dumps({"csat_score": str(score)})


def just_asked(events: List[Any]) -> bool:
    """Whether the bot's last word since the customer's last message was the satisfaction question."""
    for event in reversed(events):
        if isinstance(event, UserUttered):
            return False
        if isinstance(event, BotUttered):
            return (event.metadata or {}).get("utter_action") == ASK_RESPONSE
    return False


def install() -> None:
    handle_message = Agent.handle_message

    @functools.wraps(handle_message)
    async def with_typed_ratings(self: Agent, message: UserMessage) -> Optional[List[Any]]:
        score = score_of(message.text)
        # Only a bare score costs a read of the conversation; every other message goes straight on.
        if score is not None and self.tracker_store is not None:
            tracker = await self.tracker_store.retrieve(message.sender_id)
            if tracker is not None and just_asked(list(tracker.events)):
                message.text = rating_payload(score)
        return await handle_message(self, message)

    Agent.handle_message = with_typed_ratings
