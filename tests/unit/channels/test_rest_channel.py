"""The REST channel's body check: a 400 that says what is wrong, never a shared or borrowed conversation."""

import pytest

from bot.channels.rest import MAX_SENDER_LENGTH, body_problem


@pytest.mark.parametrize(
    "body, problem",
    [
        ({"sender": "u1", "message": "こんにちは"}, None),
        ({"sender": "u1", "message": ""}, None),  # the bot answers that one itself, politely
        ({"sender": "u1", "message": "こんにちは", "metadata": {"customData": {}}}, None),
        ({"sender": "u1", "message": "こんにちは", "input_channel": "line"}, None),  # ignored, see below
        ({"message": "こんにちは"}, '"sender" must be a non-empty string'),  # Rasa would file it under "default"
        ({"sender": "", "message": "こんにちは"}, '"sender" must be a non-empty string'),
        ({"sender": "  ", "message": "こんにちは"}, '"sender" must be a non-empty string'),
        ({"sender": 5, "message": "こんにちは"}, '"sender" must be a non-empty string'),
        (
            {"sender": "x" * (MAX_SENDER_LENGTH + 1), "message": "こんにちは"},
            f'"sender" must be at most {MAX_SENDER_LENGTH} characters',
        ),
        ({"sender": "u1"}, '"message" must be a string'),
        ({"sender": "u1", "message": ["こんにちは"]}, '"message" must be a string'),
        ({"sender": "u1", "message": None}, '"message" must be a string'),
        ({"sender": "u1", "message": "x", "metadata": "token"}, '"metadata" must be an object'),
        ([{"sender": "u1", "message": "x"}], 'the body must be a JSON object: {"sender": "...", "message": "..."}'),
        (None, 'the body must be a JSON object: {"sender": "...", "message": "..."}'),
    ],
)
def test_body_problems(body, problem):
    assert body_problem(body) == problem
