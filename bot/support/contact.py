"""Validating what a customer types for sign-up (name, phone) and for the CC addresses.

The bot repeats back and stores the normalised form, so each validator returns that
form (or None) instead of a bare yes/no; the CC list rules return an error code the
dialogue can turn into the right reply.
"""

from __future__ import annotations

import re
from enum import Enum
from typing import AbstractSet, List, Optional, Sequence, Tuple

from bot.domain.identifiers import canonical_email
from bot.domain.normalize import normalize

NAME_MAX_LENGTH = 50
MAX_CC_ADDRESSES = 10

# After normalisation every dash is "-" and every space " "; parentheses wrap area codes.
_PHONE_SEPARATORS = re.compile(r"[ \-()]")
_DOMESTIC_PHONE = re.compile(r"0[0-9]{9,10}")
# 「名前は山田太郎です」: the words around a name in a chat answer are not part of it.
_NAME_FRAME = re.compile(
    r"(?:(?:お?名前|氏名|私|わたし)(?:は|:)\s*)?(?P<name>.+?)\s*"
    r"(?:です|でございます|と申します|と(?:い|言)います)?\s*[。.!！]*",
    re.DOTALL,
)


class CcOperation(str, Enum):
    LIST = "list"
    ADD = "add"
    REMOVE = "remove"


# Lemmas, so that 外して, 外します and 外したい all count; removal words are looked at first
# because 「CCに入れるのをやめて」 holds an adding verb too.
_REMOVE_LEMMAS = frozenset({"削除", "外す", "消す", "除く", "取り除く", "抜く", "削る", "止める", "解除", "除外"})
_ADD_LEMMAS = frozenset({"追加", "加える", "入れる", "足す", "増やす"})


class CcError(str, Enum):
    INVALID_EMAIL = "INVALID_EMAIL"
    OWN_ADDRESS = "OWN_ADDRESS"
    DUPLICATE = "DUPLICATE"
    TOO_MANY = "TOO_MANY"
    NOT_IN_LIST = "NOT_IN_LIST"


def normalize_person_name(text: str) -> Optional[str]:
    """The name with unified width and spacing, or None when it cannot be a name.

    A company name is allowed (the guide suggests splitting one over 姓 and 名), so any
    script goes; a name needs at least one letter, and invisible or control characters
    are refused because they would be stored and shown to support staff.
    """
    name = _without_frame(normalize(text).text)
    if not 1 <= len(name) <= NAME_MAX_LENGTH:
        return None
    if not name.isprintable() or not any(ch.isalpha() for ch in name):
        return None
    return name


def _without_frame(text: str) -> str:
    # Until nothing changes, so that the stored name is its own normal form.
    while True:
        match = _NAME_FRAME.fullmatch(text)
        if match is None or match.group("name") == text:
            return text
        text = match.group("name")


def canonical_phone(text: str) -> Optional[str]:
    """A Japanese phone number as digits only (0312345678), or None.

    Full-width digits, any dash, spaces, parentheses and the +81 country code (with or
    without the trunk 0 in brackets) are accepted because that is how numbers get typed.
    """
    compact = _PHONE_SEPARATORS.sub("", normalize(text).text)
    if compact.startswith("+81"):
        national = compact[3:]
        compact = national if national.startswith("0") else "0" + national
    return compact if _DOMESTIC_PHONE.fullmatch(compact) else None


def cc_operation(lemmas: AbstractSet[str], names_an_address: bool) -> CcOperation:
    """What a CC request asks for, from its lemmas (bot.nlp.pipeline.lemmas): 「CCから…を外して」
    removes, 「…を追加」 adds, else a list.

    An address given without a verb (「CCに suzuki@example.jp を登録して」) is one to add.
    """
    if lemmas & _REMOVE_LEMMAS:
        return CcOperation.REMOVE
    if lemmas & _ADD_LEMMAS or names_an_address:
        return CcOperation.ADD
    return CcOperation.LIST


def add_cc(current: Sequence[str], address: str, own_address: str) -> Tuple[List[str], Optional[CcError]]:
    """The CC list with `address` added in canonical form, or the list unchanged and why."""
    unchanged = list(current)
    email = canonical_email(address)
    if email is None:
        return unchanged, CcError.INVALID_EMAIL
    if email == canonical_email(own_address):  # the account's own address gets the reply anyway
        return unchanged, CcError.OWN_ADDRESS
    if email in {canonical_email(existing) for existing in current}:
        return unchanged, CcError.DUPLICATE
    if len(current) >= MAX_CC_ADDRESSES:
        return unchanged, CcError.TOO_MANY
    return unchanged + [email], None


def remove_cc(current: Sequence[str], address: str) -> Tuple[List[str], Optional[CcError]]:
    """The CC list without `address` (matched case-insensitively), or the list unchanged and why."""
    email = canonical_email(address)
    if email is None:
        return list(current), CcError.INVALID_EMAIL
    kept = [existing for existing in current if canonical_email(existing) != email]
    if len(kept) == len(current):
        return kept, CcError.NOT_IN_LIST
    return kept, None
