"""Rasa's bot messages as LINE message objects, within the Messaging API's limits."""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Mapping, Optional

from rasa.core.channels.channel import OutputChannel

logger = logging.getLogger(__name__)

MAX_MESSAGES_PER_CALL = 5
MAX_TEXT_LENGTH = 5000
MAX_QUICK_REPLY_ITEMS = 13
MAX_LABEL_LENGTH = 20
MAX_DISPLAY_TEXT_LENGTH = 300
MAX_POSTBACK_DATA_LENGTH = 300
MAX_IMAGE_URL_LENGTH = 2000
MAX_ALT_TEXT_LENGTH = 400
# An empty text component makes LINE refuse the whole reply.
MISSING = "—"
LABEL_COLOUR = "#6b6b6b"
VALUE_COLOUR = "#1a1a1a"
TITLE_COLOUR = "#1f5fa8"

LineMessage = Dict[str, Any]


def line_length(text: str) -> int:
    """Length in UTF-16 code units: never less than LINE's count, so what fits here fits there."""
    return sum(2 if ord(ch) > 0xFFFF else 1 for ch in text)


def _fitting(text: str, limit: int) -> int:
    """How many characters of `text` fit into `limit` UTF-16 code units."""
    units = 0
    for index, ch in enumerate(text):
        units += 2 if ord(ch) > 0xFFFF else 1
        if units > limit:
            return index
    return len(text)


def split_text(text: str, limit: int = MAX_TEXT_LENGTH) -> List[str]:
    """Pieces of at most `limit`, cut at the last line break that fits, else at the limit."""
    pieces = []
    rest = text.strip()
    while line_length(rest) > limit:
        cut = _fitting(rest, limit)
        newline = rest.rfind("\n", 0, cut + 1)
        if newline > 0:
            piece, rest = rest[:newline], rest[newline + 1 :]
        else:
            piece, rest = rest[:cut], rest[cut:]
        if piece.strip():
            pieces.append(piece.rstrip())
        rest = rest.lstrip("\n")
    if rest.strip():
        pieces.append(rest)
    return pieces


def shorten(text: str, limit: int) -> str:
    if line_length(text) <= limit:
        return text
    return text[: _fitting(text, limit - 1)] + "…"


def text_messages(text: Optional[str]) -> List[LineMessage]:
    return [{"type": "text", "text": piece} for piece in split_text(text or "")]


def image_message(url: str) -> Optional[LineMessage]:
    """LINE fetches images itself and only over HTTPS; anything else cannot be shown."""
    if not url.startswith("https://") or len(url) > MAX_IMAGE_URL_LENGTH:
        return None
    return {"type": "image", "originalContentUrl": url, "previewImageUrl": url}


def quick_reply(buttons: List[Dict[str, Any]]) -> Optional[Dict[str, Any]]:
    """Rasa buttons as quick reply postbacks: tapping one sends its payload, the chat shows its title."""
    items = []
    for button in buttons:
        payload = button.get("payload") or ""
        title = button.get("title") or payload
        if not payload or line_length(payload) > MAX_POSTBACK_DATA_LENGTH:
            logger.warning("LINE: button %r skipped, its payload is empty or too long for a postback", title)
            continue
        items.append(
            {
                "type": "action",
                "action": {
                    "type": "postback",
                    "label": shorten(title, MAX_LABEL_LENGTH),
                    "data": payload,
                    "displayText": shorten(title, MAX_DISPLAY_TEXT_LENGTH),
                },
            }
        )
    if len(items) > MAX_QUICK_REPLY_ITEMS:
        logger.warning("LINE: %d buttons, only the first %d fit a quick reply", len(items), MAX_QUICK_REPLY_ITEMS)
    return {"items": items[:MAX_QUICK_REPLY_ITEMS]} if items else None


# Cards: a response's `card` (title, rows of label and value, a note) as a Flex bubble. The
# words are the domain's: a response's `channel: line` variant carries the card in its `custom`
# payload and its `text`, which becomes the altText, the line a phone's notification shows.


def _text(value: Any, **style: Any) -> Dict[str, Any]:
    return {"type": "text", "text": str(value).strip() or MISSING, "wrap": True, **style}


def _row(row: Mapping[str, Any]) -> Dict[str, Any]:
    return {
        "type": "box",
        "layout": "baseline",
        "spacing": "md",
        "contents": [
            _text(row.get("label", ""), size="sm", color=LABEL_COLOUR, flex=2),
            _text(row.get("value", ""), size="sm", color=VALUE_COLOUR, flex=4),
        ],
    }


def flex_card(card: Mapping[str, Any], alt_text: str) -> LineMessage:
    contents: List[Dict[str, Any]] = [_text(card.get("title", ""), weight="bold", size="lg", color=TITLE_COLOUR)]
    rows = card.get("rows") or []
    if rows:
        contents.append({"type": "separator", "margin": "lg"})
        contents.append(
            {
                "type": "box",
                "layout": "vertical",
                "margin": "lg",
                "spacing": "sm",
                "contents": [_row(row) for row in rows],
            }
        )
    if card.get("note"):
        contents.append(_text(card["note"], size="sm", margin="lg"))
    return {
        "type": "flex",
        "altText": shorten(alt_text.strip() or card.get("title") or MISSING, MAX_ALT_TEXT_LENGTH),
        "contents": {"type": "bubble", "body": {"type": "box", "layout": "vertical", "contents": contents}},
    }


def batches(messages: List[LineMessage], size: int = MAX_MESSAGES_PER_CALL) -> List[List[LineMessage]]:
    return [messages[start : start + size] for start in range(0, len(messages), size)]


class LineOutput(OutputChannel):
    """Collects what Rasa answers to one LINE event, so that it can go out in as few calls as possible.

    A reply token works once, so the messages cannot be sent one by one as Rasa produces them.
    """

    def __init__(self) -> None:
        self._messages: List[LineMessage] = []
        self._quick_reply: Optional[Dict[str, Any]] = None

    @classmethod
    def name(cls) -> str:
        return "line"

    def line_messages(self) -> List[LineMessage]:
        """The collected messages; the latest buttons ride on the last one, the only place LINE shows them."""
        messages = [dict(message) for message in self._messages]
        if messages and self._quick_reply:
            messages[-1]["quickReply"] = self._quick_reply
        return messages

    def clear(self) -> None:
        self._messages, self._quick_reply = [], None

    async def send_response(self, recipient_id: str, message: Dict[str, Any]) -> None:
        """A response with a card goes out as one Flex message whose altText is the response's text."""
        card = (message.get("custom") or {}).get("card")
        if not isinstance(card, dict):
            await super().send_response(recipient_id, message)
            return
        self._messages.append(flex_card(card, message.get("text") or ""))
        if message.get("buttons"):
            self._quick_reply = quick_reply(message["buttons"])

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        self._messages.extend(text_messages(text))

    async def send_text_with_buttons(
        self, recipient_id: str, text: Optional[str], buttons: List[Dict[str, Any]], **kwargs: Any
    ) -> None:
        self._messages.extend(text_messages(text))
        self._quick_reply = quick_reply(buttons)

    async def send_quick_replies(
        self, recipient_id: str, text: str, quick_replies: List[Dict[str, Any]], **kwargs: Any
    ) -> None:
        await self.send_text_with_buttons(recipient_id, text, quick_replies)

    async def send_image_url(self, recipient_id: str, image: str, **kwargs: Any) -> None:
        message = image_message(image)
        if message is None:
            logger.info("LINE: image skipped, LINE only shows HTTPS images: %s", image[:100])
            return
        self._messages.append(message)

    async def send_attachment(self, recipient_id: str, attachment: str, **kwargs: Any) -> None:
        # Rasa's default would post "Attachment: ..." as text, which reads as a bug to a customer.
        logger.debug("LINE: attachment skipped")

    async def send_custom_json(self, recipient_id: str, json_message: Dict[str, Any], **kwargs: Any) -> None:
        # Custom payloads are written for the web widget; LINE has no use for them.
        logger.debug("LINE: custom payload skipped")
