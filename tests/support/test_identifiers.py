"""Property tests of the identifier validators: any input, no exception, canonical forms are fixed points."""

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.support.identifiers import canonical_activation_code, canonical_email, canonical_serial

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
