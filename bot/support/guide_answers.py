"""Guide answers in Rasa's reading of a message: which one it chose, and which to offer when it
was unsure.

Offering: held back (bot/nlp/second_opinion.py) or too close to call, a guide question used to
get "not understood", though the ResponseSelector's first choice was right for 0.91 of the guide
questions on the blind set while 0.84 were answered. Offering its two likeliest as buttons asks
instead of asserting: the customer picks one, rephrases, or asks for a person. On the blind set
they were offered for 54 of 1,095 messages: 39 guide questions (the right answer among the two for
29), 7 questions outside the guides and 8 other requests, each still with the button to a person.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from bot.domain.asking_for_a_person import READ_BESIDE_THE_WISH

GUIDE_QUESTION = "faq"
NOT_UNDERSTOOD = "nlu_fallback"
OFFERED_ANSWERS = 2


def _selector(parse_data: Dict[str, Any]) -> Dict[str, Any]:
    selectors = parse_data.get("response_selector") or {}
    # One ResponseSelector is trained for every guide answer, so Rasa files it as "default".
    return selectors.get(GUIDE_QUESTION) or selectors.get("default") or {}


def chosen_guide_answer(parse_data: Dict[str, Any]) -> Optional[str]:
    """faq/<key> of the answer chosen for a message read as a guide question; None otherwise."""
    if (parse_data.get("intent") or {}).get("name") != GUIDE_QUESTION:
        return None
    return (_selector(parse_data).get("response") or {}).get("intent_response_key") or None


def read_beside_the_wish(parse_data: Dict[str, Any]) -> Optional[str]:
    """The intent, or faq/<key>, of what a message asked besides a person; None if it asked only that."""
    reading = parse_data.get(READ_BESIDE_THE_WISH)
    if reading == GUIDE_QUESTION:
        return (_selector(parse_data).get("response") or {}).get("intent_response_key") or None
    return reading or None


def guide_answers_to_offer(parse_data: Dict[str, Any], limit: int = OFFERED_ANSWERS) -> List[str]:
    """faq/<key> of the likeliest guide answers, best first, when the classifier put "a guide
    question" among its first two readings of a message it did not understand; else []."""
    readings = [r.get("name") for r in parse_data.get("intent_ranking") or [] if r.get("name") != NOT_UNDERSTOOD]
    if GUIDE_QUESTION not in readings[:2]:
        return []
    answers: List[str] = []
    for candidate in _selector(parse_data).get("ranking") or []:
        key = candidate.get("intent_response_key")
        if key and key.startswith(GUIDE_QUESTION + "/") and key not in answers:
            answers.append(key)
    return answers[:limit]
