"""Not knowing, in the customer's words: an answer, not a no.

「わからない」 to 「お引き継ぎしてよろしいですか」 was read as a no and cancelled the handoff; to the
question for a serial it is the answer the form expects. A message that says so and does not also
refuse stays an answer (bot/nlp/rasa_components.py, NotKnowingCheck).
"""

from __future__ import annotations

import re

from bot.domain.normalize import normalize

_NOT_KNOWING = re.compile(
    r"わから|分から|解から|わかりま?せ|分かりま?せ|判りま?せ|知らな|知りませ|しらな|しりませ"
    r"|覚えてな|覚えていな|おぼえてな|おぼえていな|忘れ|わすれ|不明|見つからな|みつからな|手元にな"
    r"|わがんね|わからん|分からん|知らん|don'?t ?know|not ?sure|no ?idea",
    re.IGNORECASE,
)
# A no or a stop beside it keeps the message a no: 「わからないのでやめます」.
_REFUSING = re.compile(r"いいえ|やめ|止め|中止|キャンセル|結構|不要|いらな|要らな|違い|違う|ちが[うい]")


def says_not_knowing(text: str) -> bool:
    """Whether the message says the customer does not know (or cannot find) something, without
    refusing anything."""
    plain = normalize(text).text.replace(" ", "")
    return bool(_NOT_KNOWING.search(plain)) and not _REFUSING.search(plain)
