"""Identifier validators (any input, no exception, canonical forms are fixed points) and masking."""

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.identifiers import canonical_activation_code, canonical_email, canonical_serial, mask_identifiers

# Text near the shapes (letters, digits, hyphens, spaces, full-width forms), and anything at all.
near_shapes = st.text(alphabet="VBCLTBvbcltb0123456789-  ０１２３４５６７８９－ＶＢ@.ａexample", max_size=45)
anything = st.one_of(near_shapes, st.text(max_size=60))


@given(anything)
@settings(max_examples=400)
def test_serials(text):
    serial = canonical_serial(text)
    if serial is not None:
        assert re.fullmatch(r"[A-Z]{4}(-\d{4}){4}", serial)
        assert canonical_serial(serial) == serial


@given(anything)
@settings(max_examples=400)
def test_activation_codes(text):
    code = canonical_activation_code(text)
    if code is not None:
        assert re.fullmatch(r"[A-Z]{2}-[0-9A-Z]{4}(-[0-9A-Z]{5}){5}", code)
        assert canonical_activation_code(code) == code


@given(st.one_of(anything, st.emails()))
@settings(max_examples=400)
def test_emails(text):
    email = canonical_email(text)
    if email is not None:
        assert email == email.lower() and email.count("@") == 1
        assert canonical_email(email) == email


def test_mask_keeps_enough_to_recognise_and_nothing_more():
    text = "シリアルは vbcl 4821 7730 1956 2204、コードは TB-3KQ7-M2X9P-4HD8W-7RT5N-Q6J3C-9ZV2L です"
    masked = mask_identifiers(text)
    assert masked == "シリアルは VBCL-****-****-****-2204、コードは TB-****-*****-*****-*****-*****-9ZV2L です"
    assert "4821" not in masked and "3KQ7" not in masked
    assert mask_identifiers("yamada@sample-shoji.co.jp") == "yamada@sample-shoji.co.jp"
