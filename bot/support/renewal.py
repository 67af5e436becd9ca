"""Renewing a ウイルスバスター licence by payment slip: when it is possible and what it involves.

Everything here restates the renewal guide (seeds/renewal-by-payment-slip.ja.txt) so the bot
answers from the same rules a support agent reads; `today` is a parameter so that the
answers can be checked for any day, and the caller decides which clock to trust.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from enum import Enum
from typing import Optional, Tuple

from dateutil.relativedelta import relativedelta

from bot.domain.normalize import normalize
from bot.domain.vocabulary import (
    CLOUD,
    CLOUD_DLS,
    TOTAL_SECURITY,
    TOTAL_SECURITY_PREMIUM,
    TOTAL_SECURITY_STANDARD,
)

CLOUD_FAMILY = frozenset({CLOUD, CLOUD_DLS})
TOTAL_SECURITY_FAMILY = frozenset({TOTAL_SECURITY, TOTAL_SECURITY_STANDARD, TOTAL_SECURITY_PREMIUM})

# 「契約期間終了の 39 ヶ月前 ~ 契約期間が終了して 2 年以内」 (クラウド only; トータルセキュリティ
# 「契約更新可能期間に制限はございません」). relativedelta clips to the month end (a 31st
# minus 39 months lands on the 30th of a shorter month), which is how a calendar reads.
WINDOW_OPENS_BEFORE_EXPIRY = relativedelta(months=39)
WINDOW_CLOSES_AFTER_EXPIRY = relativedelta(years=2)

# 「契約期間が終了して「 1 年」を経過するとトレンドマイクロアカウント上に...表示されなくなる」
VISIBLE_IN_ACCOUNT_AFTER_EXPIRY = relativedelta(years=1)

# 「ご希望の更新年数 ( 1 ~ 3 年) を選択」
YEAR_CHOICES: Tuple[int, ...] = (1, 2, 3)

# 「振込用紙が到着するまでに「 1 ~ 2 週間ほど」」
SLIP_ARRIVES_AFTER = (timedelta(weeks=1), timedelta(weeks=2))

# The products the renewal site offers a クラウド customer besides its own plan
# (「ウイルスバスター クラウドをお使いの場合」 / 「... + デジタルライフサポート プレミアムをお使いの場合」).
_UPGRADE_TARGETS = {
    CLOUD: (TOTAL_SECURITY_STANDARD, TOTAL_SECURITY_PREMIUM),
    CLOUD_DLS: (TOTAL_SECURITY_PREMIUM,),
}

_KANJI_YEARS = {"一": 1, "二": 2, "三": 3}
_YEARS_RE = re.compile(r"([0-9]+|[一二三])(?:年間?)?")
# In a sentence the unit is required: "2年で" is a choice of years, a bare "2" is not.
_YEARS_IN_TEXT_RE = re.compile(r"(?<![0-9])([0-9]+|[一二三])年(?:間|分)?(?!前|後|[0-9])")


class RenewalReason(str, Enum):
    OK = "OK"
    TOO_EARLY = "TOO_EARLY"
    TOO_LATE = "TOO_LATE"


@dataclass(frozen=True)
class RenewalAssessment:
    """What the bot may tell a customer about renewing one licence on one day.

    The upgrade fields describe what the renewal site offers for the product; they
    matter only when `can_renew` is true, since an upgrade is chosen while renewing.
    """

    can_renew: bool
    reason: RenewalReason
    window_start: Optional[date]
    window_end: Optional[date]
    # False once the serial has dropped out of the トレンドマイクロアカウント: the customer
    # must then start the renewal from the installed product instead.
    visible_in_account: bool
    expired: bool
    year_choices: Tuple[int, ...]
    upgrade_targets: Tuple[str, ...]
    # 「Web からアップグレードする場合はクレジットカード決済での契約更新となります」:
    # a payment-slip renewal cannot be an upgrade.
    upgrade_credit_card_only: bool
    # 「アップグレードする前にあんしん自動更新を解除してください」
    upgrade_requires_auto_renewal_cancelled: bool


def renewal_window(product: str, expiry: date) -> Optional[Tuple[date, date]]:
    """First and last day (inclusive) a renewal can be applied for; None when there is no limit."""
    if product in TOTAL_SECURITY_FAMILY:
        return None
    if product not in CLOUD_FAMILY:
        raise ValueError(f"not a renewable product: {product!r}")
    return expiry - WINDOW_OPENS_BEFORE_EXPIRY, expiry + WINDOW_CLOSES_AFTER_EXPIRY


def assess_renewal(product: str, expiry: date, today: date, auto_renewal: bool) -> RenewalAssessment:
    """Whether the licence of `product` expiring on `expiry` (its last valid day) can be renewed today."""
    window = renewal_window(product, expiry)
    start, end = window if window else (None, None)
    if start is not None and today < start:
        reason = RenewalReason.TOO_EARLY
    elif end is not None and today > end:
        reason = RenewalReason.TOO_LATE
    else:
        reason = RenewalReason.OK
    upgrades = _UPGRADE_TARGETS.get(product, ())
    return RenewalAssessment(
        can_renew=reason is RenewalReason.OK,
        reason=reason,
        window_start=start,
        window_end=end,
        visible_in_account=today <= expiry + VISIBLE_IN_ACCOUNT_AFTER_EXPIRY,
        expired=today > expiry,
        year_choices=YEAR_CHOICES,
        upgrade_targets=upgrades,
        upgrade_credit_card_only=bool(upgrades),
        upgrade_requires_auto_renewal_cancelled=bool(upgrades) and auto_renewal,
    )


class SlipApplicationBlock(str, Enum):
    NOT_RENEWABLE = "NOT_RENEWABLE"
    UPGRADE_NEEDS_CARD = "UPGRADE_NEEDS_CARD"
    ORDER_PENDING = "ORDER_PENDING"


def slip_application_block(
    assessment: RenewalAssessment, wanted_product: Optional[str], order_pending: bool
) -> Optional[SlipApplicationBlock]:
    """Why a payment-slip renewal cannot be applied for now, or None when it can.

    Asking for トータルセキュリティ on a クラウド licence is an upgrade, which is paid by card
    on the web only; an order still waiting for its payment would make a second slip.
    """
    if not assessment.can_renew:
        return SlipApplicationBlock.NOT_RENEWABLE
    if assessment.upgrade_targets and wanted_product in TOTAL_SECURITY_FAMILY:
        return SlipApplicationBlock.UPGRADE_NEEDS_CARD
    if order_pending:
        return SlipApplicationBlock.ORDER_PENDING
    return None


def parse_renewal_years(value: object) -> Optional[int]:
    """The number of renewal years from a slot value or typed text (2, "２年", "3年間", "三年"), else None."""
    if isinstance(value, bool):  # a bool is an int to Python, never a number of years to a customer
        return None
    if isinstance(value, int):
        return value if value in YEAR_CHOICES else None
    if not isinstance(value, str):
        return None
    match = _YEARS_RE.fullmatch(normalize(value).text.replace(" ", ""))
    if not match:
        return None
    token = match.group(1)
    years = _KANJI_YEARS[token] if token in _KANJI_YEARS else int(token)
    return years if years in YEAR_CHOICES else None


def parse_renewal_years_in(text: str) -> Optional[int]:
    """The number of years a sentence asks for ("VBCL-... を２年で更新"), else None.

    A whole answer that is only a number ("2", "３年") counts too, because it answers
    the question about years; two different numbers of years make the answer unclear.
    """
    whole = parse_renewal_years(text)
    if whole is not None:
        return whole
    found = {
        _KANJI_YEARS.get(token) or int(token)
        for token in _YEARS_IN_TEXT_RE.findall(normalize(text).text.replace(" ", ""))
    }
    if len(found) != 1:
        return None
    years = found.pop()
    return years if years in YEAR_CHOICES else None


def slip_arrival(applied_on: date) -> Tuple[date, date]:
    """Earliest and latest day the payment slip should arrive after applying on `applied_on`."""
    earliest, latest = SLIP_ARRIVES_AFTER
    return applied_on + earliest, applied_on + latest
