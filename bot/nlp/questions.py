"""The questions in one message, each with the context the customer wrote before it.

Customers ask two things at once ("振込用紙はいつ届きますか。あと、コンビニでも払えますか"),
and the classifier reads one intent per message. A message is cut into sentences; a sentence
that asks something ends a question, and the sentences before it that do not ask (what happened,
what they have) stay with it, so "先月申し込みました。振込用紙はいつ届きますか" is one question.
"""

from __future__ import annotations

import re
from typing import List

# A sentence ends at 。？?！! or a line break, or where a question ending is followed by a
# conjunction that starts the next one without punctuation (…届きますかあと…).
_SENTENCE_END = re.compile(r"(?<=[。？?！!\n])|(?<=か)(?=(?:あと|それと|それから)[、,]?)")
# Conjunctions that add a question; they carry no meaning of their own for the classifier.
_LEADING_CONJUNCTION = re.compile(r"^(?:あと|それと|それから|また|ついでに|もう一つ|もうひとつ)[、,]?\s*")
# How a Japanese question ends, once 。！!… are stripped: a question mark, か (ますか, でしょうか,
# かな, かしら), の as a question (届くの), or a request to be told (教えて(ください)). Not ん:
# "いけるん" asks, but "使ってるねん", "届かへん" and "まだ届いていません" tell.
_ASKS = re.compile(
    r"(?:[？?]|か(?:な|ね|しら)?|の|(?:教えて|おしえて)(?:ください|下さい|ほしい|欲しい)?"
    r"|知りたい(?:です)?)$"
)
_TRAILING = re.compile(r"[。！!…\s〜～ー]+$")
# A question shorter than this is a follow-up that leans on the one before ("郵便局は？"):
# it is read with its context, not on its own.
MIN_QUESTION_CHARS = 6


def _sentences(text: str) -> List[str]:
    return [s.strip() for s in _SENTENCE_END.split(text) if s and s.strip()]


def asks(sentence: str) -> bool:
    return bool(_ASKS.search(_TRAILING.sub("", sentence)))


def asking_part(text: str) -> str:
    """The sentences of a message that ask, without the context before them; the last sentence
    when none asks ("…どこを押せばいいのかわかりません")."""
    sentences = _sentences(text)
    asking = [sentence for sentence in sentences if asks(sentence)]
    return "".join(asking) if asking else (sentences[-1] if sentences else text)


def questions_in(text: str) -> List[str]:
    """The message's questions, in order, each with the context before it; one element (the
    message itself) unless it asks at least two questions that each stand on their own."""
    questions: List[str] = []
    context = ""
    for sentence in _sentences(text):
        if not asks(sentence):
            context += sentence
            continue
        question = _LEADING_CONJUNCTION.sub("", sentence) if questions else sentence
        if len(_TRAILING.sub("", question)) < MIN_QUESTION_CHARS:
            return [text]
        questions.append(context + question)
        context = ""
    if len(questions) < 2:
        return [text]
    # What follows the last question (お願いします, thanks) belongs to it.
    questions[-1] += context
    return questions
