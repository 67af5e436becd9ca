"""What the review queue holds, as pure functions: which customer messages a supervisor should read
again and why, and what of them a supervisor and the training data may see (masked).

A message is queued when the bot did not understand it, found it outside the guides, was unsure
of its reading, or answered it and heard from the customer's next message that it was wrong.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import Enum
from typing import Optional, Tuple

from bot.domain.identifiers import ACTIVATION_CODE_RE, EMAIL_RE, SERIAL_RE
from bot.domain.personal_data import JWT_RE, PHONE_RE
from bot.store.outcomes import FALLBACK_INTENTS

NOT_UNDERSTOOD = "nlu_fallback"
NOT_IN_GUIDES = "out_of_scope"
GUIDE_QUESTION = "faq"
# The supervisor's "nothing to learn here": kept, so the message is not queued again, never exported.
IGNORE = "ignore"

# config.yml's FallbackClassifier reads a message it is less than 0.5 sure of as nlu_fallback, so what
# is left is at least that sure. Measured on the blind set (bench/data/blind, 1,265 messages, with
# the model of 2026-12-07): of the 924 messages the bot acted on (neither fallback nor out of scope)
# those read with an intent confidence under 0.9 were wrong 26 times in 47, those at 0.9 or above
# 64 times in 877 (7 %). Under 0.7, as first thought, would have queued 21 and caught 13 of the 90
# wrong readings; the confidences between 0.7 and 0.9 were as often wrong as right.
UNSURE_INTENT_BELOW = 0.9
# The chosen guide answer's own confidence (ResponseSelector): under 0.5, 9 of 23 answers were wrong
# on the blind set, at 0.5 or above 32 of 568. Both rules together queue 70 of the 924 (35 wrong).
UNSURE_ANSWER_BELOW = 0.5

# A customer's next message saying the answer was wrong: a request for a person, a "no" ...
ASKS_FOR_PERSON, SAYS_NO = "request_human", "deny"
CORRECTION_INTENTS = frozenset({ASKS_FOR_PERSON, SAYS_NO})
# ... or these words (data/nlu/basics.yml's deny examples), typed in any reading.
CORRECTION_WORDS = (
    "違う",
    "違います",
    "違って",
    "ちがう",
    "ちがいます",
    "ちがって",
    "そうじゃな",
    "そうではな",
    "それじゃな",
    "それではな",
    "間違ってい",
    "間違ってま",
)
# Readings that get no answer the customer could call wrong: small talk, answers to the bot's own
# questions, and the two non-answers (queued for themselves).
NOT_ANSWERED = (
    frozenset({"greet", "thank", "goodbye", "affirm", "deny", "inform", "rate_answer", "request_human"})
    | FALLBACK_INTENTS
)


class Reason(str, Enum):
    NOT_UNDERSTOOD = "not_understood"
    NOT_IN_GUIDES = "not_in_guides"
    UNSURE = "unsure"
    CORRECTED = "corrected"


REASON_LABELS = {
    Reason.NOT_UNDERSTOOD: "理解できなかった",
    Reason.NOT_IN_GUIDES: "ガイドにないとお答えした",
    Reason.UNSURE: "読み取りに自信がなかった",
    Reason.CORRECTED: "回答のあと「違う」・担当者希望の返信があった",
}


@dataclass(frozen=True)
class Reading:
    """A customer message to the bot and what the bot read in it."""

    text: str
    intent: Optional[str]
    confidence: Optional[float]
    # For a guide question: the chosen answer's confidence.
    answer_confidence: Optional[float] = None


@dataclass(frozen=True)
class Reply:
    """The customer's next message to the bot in the same conversation session."""

    text: str
    intent: Optional[str]
    # A form was waiting for an answer: "いいえ" or "やめます" there stops the form, it corrects nothing.
    form_waiting: bool = False


def typed(text: str) -> bool:
    """Words the customer wrote, not a button's payload (/greet, /faq/…, /rate_answer{…})."""
    return bool(text.strip()) and not text.lstrip().startswith("/")


def says_wrong(reply: Reply) -> bool:
    """Whether the reply tells the bot its answer was wrong, or asks for a person instead."""
    if reply.intent == ASKS_FOR_PERSON or any(word in reply.text for word in CORRECTION_WORDS):
        return True
    return reply.intent == SAYS_NO and not reply.form_waiting


def reasons(message: Reading, reply: Optional[Reply]) -> Tuple[Reason, ...]:
    """Why the message belongs in the review queue; empty when it does not."""
    if not typed(message.text):
        return ()
    if message.intent == NOT_UNDERSTOOD:
        return (Reason.NOT_UNDERSTOOD,)
    if message.intent == NOT_IN_GUIDES:
        return (Reason.NOT_IN_GUIDES,)
    found = []
    if _unsure(message):
        found.append(Reason.UNSURE)
    if message.intent not in NOT_ANSWERED and reply is not None and says_wrong(reply):
        found.append(Reason.CORRECTED)
    return tuple(found)


def _unsure(message: Reading) -> bool:
    if message.confidence is not None and message.confidence < UNSURE_INTENT_BELOW:
        return True
    return (
        message.intent == GUIDE_QUESTION
        and message.answer_confidence is not None
        and message.answer_confidence < UNSURE_ANSWER_BELOW
    )


# bot.log_privacy has no pattern for postal addresses: a postal code (〒100-0001); a municipality
# (kanji, then 市区町村郡) with the town and block numbers after it (千代田区千代田1-1, 北区梅田3丁目1番3号,
# 中央区北1条西2丁目), with its prefecture when one is written; or a town with its block alone
# (代々木1-2-3, 梅田3丁目).
POSTAL_CODE_RE = re.compile(r"〒?\s?(?<!\d)\d{3}-\d{4}(?!\d)")
_KANJI = "\u4e00-\u9fff々ヶ"
_DASH = "-‐−ー"
# After a block number: a unit (丁目, 番地, 番, 号, 条) and maybe the next number, a dash or の and the
# next number, or a direction and the next number (北1条西2丁目).
_STEP = rf"(?:\s?(?:丁目|番地|番|号|条)\s?\d*|\s?(?:[{_DASH}]|の)\s?\d+|[東西南北]\d+)"
ADDRESS_RE = re.compile(
    rf"(?:東京都|北海道|京都府|大阪府|[{_KANJI}]{{2,3}}県)?"
    rf"(?:[{_KANJI}]{{1,6}}[市区町村郡][{_KANJI}ぁ-んァ-ヶー]{{0,12}}?\d+{_STEP}+"
    rf"|[{_KANJI}]{{1,6}}(?:\d{{1,2}}丁目|\d{{1,2}}[{_DASH}]\d{{1,4}}[{_DASH}]\d{{1,4}}){_STEP}*)"
)
# What stands in for each: words, so that the text still reads as the customer's sentence.
_MASKS = (
    (SERIAL_RE, "〈シリアル番号〉"),
    (ACTIVATION_CODE_RE, "〈アクティベーションコード〉"),
    (EMAIL_RE, "〈メールアドレス〉"),
    (JWT_RE, "〈トークン〉"),
    (POSTAL_CODE_RE, "〈郵便番号〉"),
    (ADDRESS_RE, "〈住所〉"),
    (PHONE_RE, "〈電話番号〉"),
)


def masked(text: str) -> str:
    """The message as a supervisor reads it and the training data keeps it: no serial number,
    activation code, e-mail address, postal address, phone number or token, not even in part."""
    # NFKC first, as bot.log_privacy does: full-width digits and letters are the same data.
    text = unicodedata.normalize("NFKC", text)
    for pattern, mask in _MASKS:
        text = pattern.sub(mask, text)
    return text
