"""What the analytics page counts, as pure functions: how a conversation ended, and the figures of a group.

The outcomes follow the desk analytics of Copilot Studio, Dialogflow CX and Rasa Pro: an
engaged conversation (the customer wrote to the bot) ends in exactly one of handed over to a
person, abandoned in the middle of a flow, or resolved without a person; until it has been
quiet for the abandonment time it is still going.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import Enum
from typing import Any, Dict, Optional

from bot.domain.clock import JST
from bot.domain.fallbacks import FALLBACK_OF_INTENT

# Copilot Studio's and Dialogflow CX's inactivity limit: no message this long and the customer has left.
ABANDONED_AFTER_SECONDS = 30 * 60
# The web chat and LINE send it themselves when a chat opens; typed, it asks nothing either.
GREETING = "greet"
# Not understood (nlu_fallback) or not in the guides (out_of_scope), as /metrics counts them.
FALLBACK_INTENTS = frozenset(FALLBACK_OF_INTENT)


class Outcome(str, Enum):
    RESOLVED = "resolved"
    HANDED_OVER = "handed_over"
    ABANDONED = "abandoned"
    ONGOING = "ongoing"


def outcome(handed_over: bool, form_open_at_end: bool, quiet_seconds: float) -> Outcome:
    """How an engaged conversation ended: a ticket settles it at once; otherwise it ends after
    30 quiet minutes, abandoned if a form was still waiting for an answer, else resolved."""
    if handed_over:
        return Outcome.HANDED_OVER
    if quiet_seconds < ABANDONED_AFTER_SECONDS:
        return Outcome.ONGOING
    return Outcome.ABANDONED if form_open_at_end else Outcome.RESOLVED


def day_of(moment: float | datetime) -> date:
    """The day in Japan of a Unix time (Rasa's events) or an aware datetime (the bot's tables)."""
    if isinstance(moment, datetime):
        return moment.astimezone(JST).date()
    return datetime.fromtimestamp(moment, JST).date()


@dataclass
class Figures:
    """The counts of some conversations and ratings; rates are worked out from them, never averaged."""

    engaged: int = 0
    outcomes: Counter = field(default_factory=Counter)
    reasons: Counter = field(default_factory=Counter)
    messages: int = 0
    fallbacks: int = 0
    ratings: int = 0
    rating_total: int = 0

    def add_conversation(self, ended: Outcome, reason: Optional[str], messages: int, fallbacks: int) -> None:
        self.engaged += 1
        self.outcomes[ended] += 1
        if ended is Outcome.HANDED_OVER:
            self.reasons[reason] += 1
        self.messages += messages
        self.fallbacks += fallbacks

    def add_rating(self, score: int) -> None:
        self.ratings += 1
        self.rating_total += score

    def __iadd__(self, other: "Figures") -> "Figures":
        self.engaged += other.engaged
        self.outcomes.update(other.outcomes)
        self.reasons.update(other.reasons)
        self.messages += other.messages
        self.fallbacks += other.fallbacks
        self.ratings += other.ratings
        self.rating_total += other.rating_total
        return self

    def fallback_rate(self) -> Optional[float]:
        """Fallbacks per 100 customer messages; none without messages."""
        return round(100 * self.fallbacks / self.messages, 1) if self.messages else None

    def csat_mean(self) -> Optional[float]:
        return round(self.rating_total / self.ratings, 2) if self.ratings else None

    def as_json(self) -> Dict[str, Any]:
        return {
            "engaged": self.engaged,
            **{kind.value: self.outcomes[kind] for kind in Outcome},
            "handed_over_by_reason": dict(sorted(self.reasons.items())),
            "customer_messages": self.messages,
            "fallbacks": self.fallbacks,
            "fallback_rate": self.fallback_rate(),
            "csat_count": self.ratings,
            "csat_mean": self.csat_mean(),
        }
