"""Which guide answers to offer when the bot took a message for a guide question but did not
trust its choice of answer.

Held back (bot/nlp/second_opinion.py) or too close to call, such a message used to get "not
understood", though the right answer was most often among the two the ResponseSelector liked
best (on the blind set: the first choice right for 0.90 of guide questions, while 0.81 were
answered). Offering those two as buttons asks instead of asserting: the customer picks one,
rephrases, or asks for a person.
"""

from __future__ import annotations

from typing import Any, Dict, List

GUIDE_QUESTION = "faq"
NOT_UNDERSTOOD = "nlu_fallback"
OFFERED_ANSWERS = 2


def guide_answers_to_offer(parse_data: Dict[str, Any], limit: int = OFFERED_ANSWERS) -> List[str]:
    """faq/<key> of the likeliest guide answers, best first, when the classifier put "a guide
    question" among its first two readings of a message it did not understand; else []."""
    readings = [r.get("name") for r in parse_data.get("intent_ranking") or [] if r.get("name") != NOT_UNDERSTOOD]
    if GUIDE_QUESTION not in readings[:2]:
        return []
    # One ResponseSelector for every guide answer: Rasa files its choice under "default".
    selector = (parse_data.get("response_selector") or {}).get("default") or {}
    answers: List[str] = []
    for candidate in selector.get("ranking") or []:
        key = candidate.get("intent_response_key")
        if key and key.startswith(GUIDE_QUESTION + "/") and key not in answers:
            answers.append(key)
    return answers[:limit]
