"""Asking to be put through to a person, in the customer's words.

In the domain layer because two layers read it: the NLU turns such a message into a request for
a person (bot/nlp/rasa_components.py), and the handoff keeps what else the message asked
(bot/support/guide_answers.py).
"""

from __future__ import annotations

import re

from bot.domain.normalize import normalize

# Where the NLU keeps what the classifiers read in a message that also asked for a person: the
# agent should still see the question.
READ_BESIDE_THE_WISH = "read_beside_the_wish"

# Asking to be put through to a person: someone to reach, と/に, a verb of reaching them, and a
# wish or request close after it, all in one sentence. 「担当者と話したけど」, 「担当者が変わったので」,
# 「連絡担当者として」 and 「社内の人と相談したい」 tell something else.
_PERSON = (
    r"(?:担当者|担当の(?:方|人)|たんとうしゃ|オペレータ[ー―]?|おぺれーたー|人間|にんげん|スタッフ|エンジニア|責任者"
    r"|窓口の(?:方|人)|サポートの(?:方|人)|誰か|(?<![一-龥の])人)(?:さん|様|の方|の人)?"
)
_REACH = r"(?:直接|すぐに?|一度|ちょっと)?お?(?:話|はな[しせさ]|代わ|かわ|変わ|替わ|繋|つな|相談|連絡|対応)"
_CALL = r"(?:呼|よ[ばびん]|出[しせ]|だ[しせ])"
_WISH = (
    r"[^。.!?！？]{0,8}?(?:たい|たく|ほしい|欲しい|ください|下さい|くれ|もらえ|もらい|貰え|いただ|頂"
    r"|願|できま|できる|せま|せる|せて|れま|れる|げま|げる|[でて](?:よ|ね|や)?$)"
)
_ASKS_FOR_A_PERSON = re.compile(
    rf"{_PERSON}[とに]{_REACH}{_WISH}|{_PERSON}を?(?:{_CALL}{_WISH}|お?願い|希望)"
    r"|有人(?:対応|チャット|サポート)?[をでに]?[^。]{0,6}(?:お?願|希望|したい|ほしい|ください)"
    r"|(?:talk|speak|chat)\s+(?:to|with)\s+(?:an?\s+|the\s+)?(?:human|person|agent|operator|staff|someone)",
    re.IGNORECASE,
)


def asks_for_a_person(text: str) -> bool:
    """Whether the message asks to be put through to a person, wherever in it the wish stands
    (「振込用紙が届かないので担当者と話したい」)."""
    plain = normalize(text).text.rstrip("。.!?！？ ")
    # Spaces out too: phones and hiragana-only writers space words apart (「おぺれーたーに つないで」).
    sentences = re.split(r"[。!?！？]", plain)
    return any(_ASKS_FOR_A_PERSON.search(s) or _ASKS_FOR_A_PERSON.search(s.replace(" ", "")) for s in sentences)
