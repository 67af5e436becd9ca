"""The review queue as the inbox answers it (GET /api/review): the waiting messages in groups of similar
meaning, each with what the bot read and why it waits, and the Japanese names the page shows."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Dict, Sequence

from bot.domain.clock import JST
from bot.handoff import review_labels
from bot.store.analytics import CHANNEL_LABELS
from bot.store.review import QueuedMessage
from bot.store.review_rules import REASON_LABELS, UNSURE_ANSWER_BELOW, UNSURE_INTENT_BELOW


def message_json(message: QueuedMessage) -> Dict[str, Any]:
    return {
        "id": message.id,
        "text": message.text,
        "at": datetime.fromtimestamp(message.at, JST).isoformat(timespec="seconds"),
        "channel": message.channel,
        "intent": message.intent,
        "confidence": None if message.confidence is None else round(message.confidence, 2),
        "guide_answer": message.guide_answer,
        "reasons": [reason.value for reason in message.reasons],
        "reply": message.reply,
    }


def body(first_day: date, last_day: date, groups: Sequence[Sequence[QueuedMessage]], waiting: int) -> Dict[str, Any]:
    shown = [message for group in groups for message in group]
    return {
        "from": first_day.isoformat(),
        "to": last_day.isoformat(),
        "waiting": waiting,
        "shown": len(shown),
        "unsure_below": UNSURE_INTENT_BELOW,
        "unsure_answer_below": UNSURE_ANSWER_BELOW,
        "groups": [{"messages": [message_json(message) for message in group]} for group in groups],
        "choices": review_labels.choices(),
        "names": {
            "reasons": {reason.value: label for reason, label in REASON_LABELS.items()},
            "channels": {
                channel: CHANNEL_LABELS.get(channel, channel) for channel in sorted({m.channel for m in shown})
            },
            "readings": {**review_labels.READING_NAMES, **review_labels.guide_answers()},
        },
    }
