"""Customers' data and secrets never reach the logs."""

import logging

import pytest

from bot import log_privacy
from bot.log_privacy import mask_personal_data


@pytest.mark.parametrize(
    "line, hidden, shown",
    [
        (
            "Received user message 'yamada@sample-shoji.co.jp TB-3KQ7-M2X9P-4HD8W-7RT5N-Q6J3C-9ZV2L'",
            ["yamada", "3KQ7", "M2X9P"],
            ["***@sample-shoji.co.jp", "TB-****"],
        ),
        (
            "serial VBCL-4821-7730-1956-2204 and vbcl 4821 7730 1956 2204",
            ["4821", "7730"],
            ["VBCL-****-****-****-2204"],
        ),
        (
            "電話は03-1234-5678、携帯は090 1234 5678、(03)1234-5678、0312345678 です",
            ["1234-5678", "1234 5678", "0312345678"],
            ["[電話番号]"],
        ),
        (
            "full width ０３－１２３４－５６７８ ｙａｍａｄａ＠ｅｘａｍｐｌｅ．ｊｐ",
            ["1234", "yamada"],
            ["***@example.jp"],
        ),
        ("POST /conversations/x/tracker/events?token=s3cr3t-t0ken&output_channel=line", ["s3cr3t"], ["token=***"]),
        ("headers {'Authorization': 'Bearer agent-a-token-0123456789'}", ["agent-a-token"], ["Bearer ***"]),
        (
            "SlotSet(key: identity_proof, value: "
            "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJlbWFpbCI6InlAeC5qcCJ9.c2lnbmF0dXJl)",
            ["eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9", "eyJlbWFpbCI6InlAeC5qcCJ9", "c2lnbmF0dXJl"],
            ["value: [トークン]"],
        ),
        (
            "'customData': {'token': 'eyJhbGciOiJub25lIn0.eyJlbWFpbCI6InlAeC5qcCJ9.'}",
            ["eyJlbWFpbCI6InlAeC5qcCJ9"],
            ["[トークン]"],
        ),
    ],
)
def test_masking(line, hidden, shown):
    masked = mask_personal_data(line)
    assert not [part for part in hidden if part in masked], masked
    assert all(part in masked for part in shown), masked


def test_ordinary_log_lines_are_left_alone():
    for line in (
        "2026-11-22 21:40:55 INFO root - Rasa server is up and running on port 5005 (took 23.4 s).",
        "Node 'select_prediction' running 'DefaultPolicyPredictionEnsemble.combine_predictions_from_kwargs'.",
    ):
        assert mask_personal_data(line) == line


def test_every_record_is_masked_message_arguments_and_traceback(caplog):
    log_privacy.install()
    log_privacy.install()  # twice changes nothing
    logger = logging.getLogger("bot.test")
    with caplog.at_level(logging.INFO):
        logger.info("account %s asked", "yamada@sample-shoji.co.jp")
        try:
            raise ValueError("no licence VBCL-4821-7730-1956-2204 for 090-1234-5678")
        except ValueError:
            logger.exception("lookup failed")
    text = caplog.text + "".join(record.exc_text or "" for record in caplog.records)
    assert "***@sample-shoji.co.jp" in text and "yamada" not in text
    assert "VBCL-****-****-****-2204" in text and "4821" not in text and "1234-5678" not in text
