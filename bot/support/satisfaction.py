"""When the bot asks how helpful it was, and what counts as an answer. Works on the conversation's
events as the action server receives them (dicts), so it needs neither Rasa nor a database."""

from __future__ import annotations

import unicodedata
from typing import Any, Dict, List, Optional, Sequence

ASK_RESPONSE = "utter_ask_csat"
# A comment is a word or two on the rating; a longer text is kept to here.
COMMENT_CHARS = 500


def this_session(events: Sequence[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """The events since the conversation's latest session started."""
    starts = [i for i, event in enumerate(events) if event.get("event") == "session_started"]
    return list(events[starts[-1] :] if starts else events)


def session_started_at(events: Sequence[Dict[str, Any]]) -> Optional[float]:
    """When the latest session began (a Unix time), the key a rating is kept under."""
    session = this_session(events)
    return session[0].get("timestamp") if session else None


def asked_in_session(events: Sequence[Dict[str, Any]]) -> bool:
    return any(
        event.get("event") == "bot" and (event.get("metadata") or {}).get("utter_action") == ASK_RESPONSE
        for event in this_session(events)
    )


def should_ask(events: Sequence[Dict[str, Any]], active_form: Optional[str]) -> bool:
    """Once a session, and never while a form waits for an answer."""
    return not active_form and not asked_in_session(events)


def comment_of(text: str) -> Optional[str]:
    """What the customer wrote after rating, as a comment: trimmed to COMMENT_CHARS; None when empty
    or when it is a button's payload."""
    comment = " ".join((text or "").split())
    if not comment or comment.startswith("/"):
        return None
    return comment[:COMMENT_CHARS]


def score_of(value: Any) -> Optional[int]:
    """1 to 5 as the buttons send it ("4"), or as typed (４); None for anything else."""
    text = unicodedata.normalize("NFKC", str(value if value is not None else "")).strip()
    return int(text) if text in {"1", "2", "3", "4", "5"} else None
