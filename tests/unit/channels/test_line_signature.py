"""X-Line-Signature: only LINE's HMAC of exactly these bytes with exactly this secret passes."""

import json

from bot.channels.line_signature import signature_is_valid
from line_helpers import SECRET, sign

BODY = json.dumps({"destination": "U" + "0" * 32, "events": []}, ensure_ascii=False).encode()


def test_lines_signature_passes():
    assert signature_is_valid(SECRET, BODY, sign(SECRET, BODY))


def test_a_signature_with_another_secret_fails():
    assert not signature_is_valid(SECRET, BODY, sign("another secret", BODY))


def test_the_same_json_serialised_differently_fails():
    # Why the raw body is checked: parsing and re-serialising changes the bytes.
    respaced = json.dumps(json.loads(BODY), separators=(",", ":")).encode()
    assert not signature_is_valid(SECRET, respaced, sign(SECRET, BODY))


def test_missing_or_garbage_signatures_fail():
    assert not signature_is_valid(SECRET, BODY, None)
    assert not signature_is_valid(SECRET, BODY, "")
    assert not signature_is_valid(SECRET, BODY, "署名ではありません")


def test_without_a_secret_nothing_passes_not_even_a_signature_made_with_an_empty_key():
    assert not signature_is_valid("", BODY, sign("", BODY))
