"""What the bot's processes count, for Prometheus: `GET /metrics` on the Rasa server, the action
server and the agent inbox, each for its own process (under `make run-scaled`, each server's port).

The page answers only `Authorization: Bearer <BOT_METRICS_TOKEN>`; without the variable it is off
(404). Labels carry names the bot defines (channels, intents, guide answers, reasons, HTTP
statuses), never what a customer typed.
"""

from __future__ import annotations

from typing import Callable, Optional, Tuple

from prometheus_client import CONTENT_TYPE_LATEST, Counter, Gauge, Histogram, generate_latest

from bot import settings
from bot.bearer import bearer_matches
from bot.domain.fallbacks import FALLBACK_OF_INTENT

# The Rasa server.
MESSAGES = Counter("bot_messages", "Customer messages received", ["channel"])
TURN_SECONDS = Histogram(
    "bot_turn_seconds",
    "Time from a message to the bot's last answer",
    ["channel"],
    buckets=(0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0, 10.0),
)
INTENTS = Counter("bot_intents", "Intents the messages were read as", ["intent"])
GUIDE_ANSWERS = Counter("bot_guide_answers", "Guide answers chosen", ["answer"])
FALLBACKS = Counter(
    "bot_fallbacks", "Messages the bot could not answer from the guides", ["kind"]
)  # not_understood (nlu_fallback) or not_in_guides (out_of_scope)
ACTION_FAILURES = Counter("bot_action_failures", "Custom actions that failed or ran out of time", ["action", "reason"])
LINE_API_ERRORS = Counter("bot_line_api_errors", "Calls to LINE's Messaging API that failed", ["status"])
# The action server.
HANDOFFS = Counter("bot_handoffs", "Conversations handed over to an agent", ["reason"])
OUTBOX_BACKLOG = Gauge("bot_outbox_backlog", "Mails queued and not delivered yet")
MAILS_GIVEN_UP = Gauge("bot_outbox_given_up", "Mails the sender gave up on")
# The agent inbox.
TICKETS = Gauge("bot_tickets", "Tickets not closed, waiting for an agent (open) or held by one (claimed)", ["status"])
AGENT_MESSAGES = Counter("bot_agent_messages", "Messages agents sent to customers from the inbox")


def count_understanding(intent: Optional[str], guide_answer: Optional[str]) -> None:
    if not intent:
        return
    INTENTS.labels(intent).inc()
    if guide_answer:
        GUIDE_ANSWERS.labels(guide_answer).inc()
    if intent in FALLBACK_OF_INTENT:
        FALLBACKS.labels(FALLBACK_OF_INTENT[intent]).inc()


def page(authorization: Optional[str], refresh: Callable[[], None] = lambda: None) -> Tuple[int, bytes, str]:
    """Status, body and content type of GET /metrics for a caller presenting `authorization`."""
    token = settings.current(settings.CoreSettings).metrics_token
    if not token:
        return 404, b"metrics are off (BOT_METRICS_TOKEN is not set)\n", "text/plain"
    if not bearer_matches(authorization, token):
        return 401, b"unauthorized\n", "text/plain"
    refresh()
    return 200, generate_latest(), CONTENT_TYPE_LATEST
