"""A conversation as an agent reads it: who said what, identifiers masked."""

from __future__ import annotations

from typing import Any, Dict, Iterable, List, Mapping

from bot.domain.identifiers import mask_identifiers


def conversation_lines(events: Iterable[Mapping[str, Any]]) -> List[Dict[str, str]]:
    """Rasa's events as an agent reads the conversation: who said what, serials and codes masked.

    A button the customer pressed shows as its title, as the customer saw it; a payload no
    button offered (the web chat's opening /greet) is nothing the customer said.
    """
    lines: List[Dict[str, str]] = []
    titles: Dict[str, str] = {}
    for event in events:
        kind, text = event.get("event"), event.get("text")
        if kind == "bot":
            buttons = (event.get("data") or {}).get("buttons") or []
            titles = {button.get("payload"): button.get("title") for button in buttons if button.get("title")}
            metadata = event.get("metadata") or {}
            agent = metadata.get("agent")
            if agent and text:
                # The agent's own words; the customer read them inside utter_agent_message. Events
                # from before agent_text was kept show what the customer read.
                lines.append({"who": "agent", "agent": agent, "text": metadata.get("agent_text", text)})
            elif text:
                lines.append({"who": "bot", "text": mask_identifiers(text)})
        elif kind == "user" and text:
            if text.startswith("/"):
                if text not in titles:
                    continue
                text = titles[text]
            lines.append({"who": "customer", "text": mask_identifiers(text)})
    return lines
