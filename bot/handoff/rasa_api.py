"""The inbox's client of Rasa's HTTP API (`rasa run --enable-api`, token from RASA_API_TOKEN).

An agent's words are appended to the conversation as bot events with
`execute_side_effects`, so Rasa itself sends them out through the customer's channel,
its lock held, and the tracker keeps them like any other message.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Dict, List, Optional
from urllib.parse import quote

import aiohttp

# Channels whose Rasa output channel can reach the customer without a pending request;
# a REST client only ever sees the answer to its own POST.
DELIVERABLE_CHANNELS = frozenset({"socketio", "line"})
ASK_CSAT_ACTION = "action_ask_csat"
logger = logging.getLogger(__name__)


Message = Dict[str, Any]


def _bot_event(message: Message, **metadata: Any) -> Dict[str, Any]:
    """A bot event that says `message` (text, buttons, custom), as Rasa's own responses do."""
    data = dict(message)
    return {"event": "bot", "text": data.pop("text", None), "data": data, "metadata": metadata}


class RasaApiError(Exception):
    """Rasa refused or did not answer. The text never contains the token."""


class RasaApi:
    def __init__(self, base_url: str, token: str, timeout: float = 10.0) -> None:
        self._base_url = base_url.rstrip("/")
        self._token = token
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._session: Optional[aiohttp.ClientSession] = None

    async def events(self, sender_id: str) -> List[Dict[str, Any]]:
        """Every event of the conversation, oldest first (an unknown conversation has none)."""
        state = await self._call("GET", sender_id, "tracker", {"include_events": "ALL"})
        return state.get("events") or []

    async def say_as_agent(self, sender_id: str, channel: str, agent: str, text: str, message: Message) -> None:
        """Send the agent's `text` to the customer, as `message` (a rendered response) says it. The
        pause goes with it: should the conversation's session have expired since the handoff, the
        new session is paused too."""
        await self._append(
            sender_id,
            channel,
            [
                {"event": "pause"},
                _bot_event(message, agent=agent, agent_text=text),
            ],
        )

    async def resume(self, sender_id: str, channel: str, message: Message, response: str) -> None:
        """Give the conversation back to the bot, telling the customer so with `message`, the
        rendered `response`.

        The handoff paused the conversation before Rasa's usual action_listen; without it the
        policies would take the customer's next message for one the bot was not waiting for.
        """
        await self._append(sender_id, channel, [{"event": "resume"}, _bot_event(message, utter_action=response)])
        try:
            # The end of the agent's part: how helpful was it? (once a session; the action decides)
            await self._call("POST", sender_id, "execute", {"output_channel": channel}, {"name": ASK_CSAT_ACTION})
        except RasaApiError as error:
            logger.warning("satisfaction question not asked after the handoff: %s", error)
        await self._append(sender_id, channel, [{"event": "action", "name": "action_listen"}])

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def _append(self, sender_id: str, channel: str, events: List[Dict[str, Any]]) -> None:
        # The ticket's channel, not "latest": a session that expired forgets its input channel.
        params = {"output_channel": channel, "execute_side_effects": "true"}
        await self._call("POST", sender_id, "tracker/events", params, events)

    async def _call(self, method: str, sender_id: str, path: str, params: Dict[str, str], body: Any = None) -> Dict:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=self._timeout)
        url = f"{self._base_url}/conversations/{quote(sender_id, safe='')}/{path}"
        try:
            async with self._session.request(method, url, params={**params, "token": self._token}, json=body) as reply:
                if reply.status != 200:
                    raise RasaApiError(f"Rasa answered {method} …/{path} with HTTP {reply.status}")
                return await reply.json()
        except (aiohttp.ClientError, asyncio.TimeoutError) as error:
            raise RasaApiError(f"Rasa did not answer {method} …/{path}: {type(error).__name__}") from error
