"""Pictures of what a LINE user sees, for people to look at: every card (Flex message) the bot sends,
drawn in chromium from its JSON by a local preview (test-output/line-cards.png; the rich menu's
image is kept by tests/integration/channels/test_line_rich_menu.py)."""

from __future__ import annotations

import asyncio
import html
from typing import Any, Dict, List

import pytest
import yaml
from rasa.core.nlg.response import TemplatedNaturalLanguageGenerator

from bot.channels.line_messages import LineOutput
from project_helpers import ROOT
from webchat_helpers import SCREENSHOTS

SERIAL = "VBCL-4821-7730-1956-2204"
# What the actions and the reminder job fill in; one value per placeholder the cards use.
VALUES = dict(
    serial=SERIAL,
    serial_masked="VBCL-****-****-****-2204",
    product="ウイルスバスター クラウド",
    expiry="2027年1月15日",
    until="2029年1月15日",
    from_date="2023年10月15日",
    deadline="2029年1月15日まで",
    order_id="1042",
    years="2",
    first="2026年11月29日",
    last="2026年12月6日",
    number="315",
    hours="9:00〜17:30",
    opening="12月8日(火) 9:00",
    renew_payload=f'/apply_renewal{{"serial_number": "{SERIAL}"}}',
)
SIZES = {"sm": "13px", "md": "15px", "lg": "18px"}


def cards_in_domain() -> List[str]:
    responses = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))["responses"]
    return [
        name
        for name, variants in responses.items()
        if any(v.get("channel") == "line" and "card" in (v.get("custom") or {}) for v in variants)
    ]


def line_messages(name: str) -> List[Dict[str, Any]]:
    responses = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))["responses"]
    message = TemplatedNaturalLanguageGenerator(responses).generate_from_slots(name, {}, "line", **VALUES)
    output = LineOutput()
    asyncio.run(output.send_response("U0", message))
    return output.line_messages()


def component(node: Dict[str, Any]) -> str:
    """A Flex component as HTML, for the kinds the bot's cards use (box, text, separator)."""
    kind = node["type"]
    if kind == "separator":
        return '<hr style="border:none;border-top:1px solid #e5e5e5;margin:10px 0">'
    if kind == "text":
        style = (
            f"font-size:{SIZES.get(node.get('size', 'md'), '15px')};color:{node.get('color', '#111')};"
            f"font-weight:{'bold' if node.get('weight') == 'bold' else 'normal'};flex:{node.get('flex', 1)};"
            "white-space:pre-wrap;word-break:break-all"
        )
        return f'<div class="text" style="{style}">{html.escape(node["text"])}</div>'
    direction = "row" if node.get("layout") in ("baseline", "horizontal") else "column"
    inner = "".join(component(child) for child in node["contents"])
    return f'<div style="display:flex;flex-direction:{direction};gap:6px;margin-top:4px">{inner}</div>'


def bubble(message: Dict[str, Any]) -> str:
    chips = "".join(
        f'<span class="chip">{html.escape(item["action"]["label"])}</span>'
        for item in (message.get("quickReply") or {}).get("items", [])
    )
    return (
        f'<div class="card"><div class="bubble">{component(message["contents"]["body"])}</div>'
        f'<div class="alt">通知・トーク一覧: {html.escape(message["altText"])}</div>'
        f'<div class="chips">{chips}</div></div>'
    )


PAGE = """<!doctype html><html lang="ja"><meta charset="utf-8"><style>
body{{background:#8cabd8;font-family:'IPAGothic','IPAexGothic',sans-serif;margin:0;padding:16px}}
.grid{{display:flex;flex-wrap:wrap;gap:16px}}
.card{{width:300px}}
.bubble{{background:#fff;border-radius:16px;padding:16px}}
.alt{{font-size:11px;color:#203050;margin:6px 4px}}
.chip{{display:inline-block;background:#fff;border:1px solid #06c755;color:#06c755;border-radius:16px;
padding:4px 10px;margin:2px;font-size:12px}}
</style><div class="grid">{cards}</div></html>"""


@pytest.fixture(scope="module")
def preview():
    flex = {name: [m for m in line_messages(name) if m["type"] == "flex"] for name in cards_in_domain()}
    return flex, PAGE.format(cards="".join(bubble(m) for messages in flex.values() for m in messages))


def test_every_card_is_drawn_with_the_serial_masked_and_a_picture_is_kept(preview, context):
    flex, page_html = preview
    assert {
        "utter_renewal_ok",
        "utter_renewal_applied",
        "utter_handoff_created",
        "utter_reminder_before_end",
        "utter_reminder_after_end",
    } <= set(flex)
    assert all(len(messages) == 1 for messages in flex.values())
    page = context.new_page()
    page.set_content(page_html)
    shown = page.inner_text("body")
    assert "VBCL-****-****-****-2204" in shown
    # The whole serial rides only in the renewal button's postback, which LINE never shows.
    assert SERIAL not in shown
    # Nothing in a card may run past the bubble, as LINE would cut it.
    overflowing = page.evaluate("""() => [...document.querySelectorAll('.bubble .text')]
        .filter(t => t.scrollWidth > t.clientWidth + 1).map(t => t.textContent)""")
    assert overflowing == []
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "line-cards.png"), full_page=True)
    (SCREENSHOTS / "line-cards.html").write_text(page_html, encoding="utf-8")
