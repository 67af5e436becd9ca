"""Rasa's bot messages as LINE message objects: text pieces, quick replies, images, cards, batches."""

import pytest

from bot.channels.line_messages import (
    LineOutput,
    batches,
    image_message,
    line_length,
    quick_reply,
    split_text,
)
from line_helpers import limit_errors, schema_errors


def test_a_short_text_stays_one_piece():
    assert split_text("  パスワードを再設定してください。\n") == ["パスワードを再設定してください。"]


def test_blank_text_gives_no_piece():
    assert split_text(" \n ") == []


def test_a_long_text_is_cut_at_the_last_line_break_that_fits():
    lines = [f"{n:03d}" + "あ" * 96 for n in range(120)]  # 100 characters a line
    pieces = split_text("\n".join(lines))
    assert [len(piece) for piece in pieces] == [4999, 4999, 1999]
    assert "\n".join(pieces) == "\n".join(lines)


def test_a_text_without_line_breaks_is_cut_at_the_limit():
    assert [len(piece) for piece in split_text("い" * 12000)] == [5000, 5000, 2000]


def test_characters_outside_the_bmp_count_twice_as_in_utf16():
    pieces = split_text("😀" * 3000)
    assert [line_length(piece) for piece in pieces] == [5000, 1000]


def test_buttons_become_postback_quick_replies_within_lines_limits():
    items = quick_reply(
        [
            {"title": "はい", "payload": "/affirm"},
            {"title": "メールアドレスを入力し直したいです(別のアドレスで)", "payload": "/change_email"},
        ]
    )["items"]
    assert items == [
        {"type": "action", "action": {"type": "postback", "label": "はい", "data": "/affirm", "displayText": "はい"}},
        {
            "type": "action",
            "action": {
                "type": "postback",
                "label": "メールアドレスを入力し直したいです(別…",
                "data": "/change_email",
                "displayText": "メールアドレスを入力し直したいです(別のアドレスで)",
            },
        },
    ]
    assert line_length(items[1]["action"]["label"]) == 20


def test_at_most_thirteen_quick_replies_and_none_without_a_usable_payload():
    buttons = [{"title": f"選択肢{n}", "payload": f"/choice{n}"} for n in range(15)]
    assert len(quick_reply(buttons)["items"]) == 13
    assert quick_reply([{"title": "空"}, {"title": "長すぎ", "payload": "/" + "x" * 300}]) is None


def test_only_https_images_become_image_messages():
    assert image_message("https://example.com/a.png") == {
        "type": "image",
        "originalContentUrl": "https://example.com/a.png",
        "previewImageUrl": "https://example.com/a.png",
    }
    assert image_message("http://example.com/a.png") is None


def test_batches_of_five():
    assert [len(batch) for batch in batches(list(range(12)))] == [5, 5, 2]


async def collect(*responses) -> list:
    output = LineOutput()
    for response in responses:
        await output.send_response("U1", dict(response))
    return output.line_messages()


async def test_the_latest_buttons_ride_on_the_very_last_message():
    messages = await collect(
        {"text": "メールアドレスを確認しました。", "buttons": [{"title": "はい", "payload": "/affirm"}]},
        {"text": "続けてもよろしいですか。"},
    )
    assert "quickReply" not in messages[0]
    assert messages[1]["quickReply"]["items"][0]["action"]["data"] == "/affirm"


async def test_images_are_kept_and_custom_payloads_and_attachments_left_out():
    messages = await collect(
        {"text": "こちらの画面です。", "image": "https://example.com/screen.png"},
        {"custom": {"handoff": True}},
        {"attachment": "https://example.com/guide.pdf"},
    )
    assert [m["type"] for m in messages] == ["text", "image"]


@pytest.mark.parametrize(
    "responses",
    [
        [
            {
                "text": "あ" * 12000,
                "buttons": [{"title": f"選択肢{n}の説明がとても長い場合", "payload": f"/c{n}"} for n in range(20)],
            }
        ],
        [
            {"text": "画像です。", "image": "https://example.com/a.png"},
            {"text": "以上です。", "buttons": [{"title": "はい", "payload": "/affirm"}]},
        ],
    ],
)
async def test_what_the_output_collects_is_what_line_accepts(responses):
    for batch in batches(await collect(*responses)):
        body = {"to": "U" + "0" * 32, "messages": batch}
        assert schema_errors("messaging-api.yml", "PushMessageRequest", body) + limit_errors(body) == []


CARD = {
    "title": "契約更新の確認結果",
    "rows": [{"label": "シリアル番号", "value": "VBCL-****-****-****-2204"}, {"label": "有効期限", "value": ""}],
    "note": "更新年数は1〜3年からお選びいただけます。",
}


async def test_a_response_with_a_card_becomes_one_flex_message_whose_alt_text_is_its_text():
    output = LineOutput()
    text = "VBCL-****-****-****-2204は、2027年1月31日まで契約更新のお手続きができます。"
    await output.send_response(
        "U1", {"text": text, "custom": {"card": CARD}, "buttons": [{"title": "申し込む", "payload": "/apply_renewal"}]}
    )
    [message] = output.line_messages()
    assert (message["type"], message["altText"]) == ("flex", text)
    words = [c["text"] for c in message["contents"]["body"]["contents"] if c["type"] == "text"]
    assert words == ["契約更新の確認結果", "更新年数は1〜3年からお選びいただけます。"]
    rows = message["contents"]["body"]["contents"][2]["contents"]
    # An empty value would make LINE refuse the whole reply: it shows as a dash.
    assert [[c["text"] for c in row["contents"]] for row in rows] == [
        ["シリアル番号", "VBCL-****-****-****-2204"],
        ["有効期限", "—"],
    ]
    assert message["quickReply"]["items"][0]["action"]["data"] == "/apply_renewal"
    body = {"replyToken": "0" * 32, "messages": [message]}
    assert schema_errors("messaging-api.yml", "ReplyMessageRequest", body) + limit_errors(body) == []


async def test_a_cards_alt_text_fits_lines_400_characters():
    output = LineOutput()
    await output.send_response("U1", {"text": "長い説明です。" * 100, "custom": {"card": CARD}})
    [message] = output.line_messages()
    assert line_length(message["altText"]) == 400 and message["altText"].endswith("…")


async def test_a_custom_payload_without_a_card_still_sends_only_its_text():
    output = LineOutput()
    await output.send_response("U1", {"text": "こんにちは。", "custom": {"widget": "something"}})
    assert output.line_messages() == [{"type": "text", "text": "こんにちは。"}]
