"""What a message must be before the bot reads it, at every limit."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.support.messages import Problem, SlidingWindowLimiter, clean, problem_with


@pytest.mark.parametrize(
    "typed, kept",
    [
        ("パスワード\x00を忘れました", "パスワードを忘れました"),  # NUL: PostgreSQL cannot store it
        ("a\x07b\x1bc\x7fd\x85e", "abcde"),
        ("一行目\n二行目\tタブ", "一行目\n二行目\tタブ"),
        ("注文\u202eトッポ\u202c", "注文トッポ"),  # a right-to-left override turns text around on screen
        ("مرحبا بك", "مرحبا بك"),  # right-to-left script itself is text
        ("ありがとう👍🏻👨‍👩‍👧", "ありがとう👍🏻👨‍👩‍👧"),  # emoji and their joiners stay
        ("<script>alert(1)</script>", "<script>alert(1)</script>"),  # markup is text here; channels escape it
    ],
)
def test_cleaning_removes_invisible_controls_only(typed, kept):
    assert clean(typed) == kept


@given(st.text())
def test_cleaning_is_idempotent_and_leaves_no_control_characters(text):
    once = clean(text)
    assert clean(once) == once
    assert not any(ord(ch) < 32 and ch not in "\n\t" for ch in once)


@pytest.mark.parametrize(
    "text, problem",
    [
        ("", Problem.EMPTY),
        ("   \n\t ", Problem.EMPTY),
        ("\u3000", Problem.EMPTY),  # a full-width space is a space
        ("あ", None),
        ("あ" * 2000, None),
        ("あ" * 2001, Problem.TOO_LONG),
    ],
)
def test_empty_and_too_long(text, problem):
    assert problem_with(text, 2000) is problem


def test_the_limit_is_configurable():
    assert problem_with("あ" * 11, 10) is Problem.TOO_LONG and problem_with("あ" * 10, 10) is None


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


async def test_twenty_a_minute_per_sender_then_the_window_moves_on():
    clock = Clock()
    limiter = SlidingWindowLimiter(limit=20, window=60, clock=clock)
    assert [await limiter.allow("alice") for _ in range(20)] == [True] * 20
    assert await limiter.allow("alice") is False
    assert await limiter.allow("bob") is True  # one sender cannot use up another's
    clock.now += 59.9
    assert await limiter.allow("alice") is False
    clock.now += 0.2  # the first messages are now more than a minute old
    assert await limiter.allow("alice") is True


async def test_refused_messages_do_not_count():
    clock = Clock()
    limiter = SlidingWindowLimiter(limit=2, window=60, clock=clock)
    for _ in range(10):
        await limiter.allow("alice")
    clock.now += 61
    assert [await limiter.allow("alice") for _ in range(3)] == [True, True, False]


async def test_memory_is_bounded_by_forgetting_the_least_recent_sender():
    limiter = SlidingWindowLimiter(limit=1, window=60, clock=Clock(), max_senders=2)
    for sender in ("alice", "bob", "carol"):
        assert await limiter.allow(sender)
    assert await limiter.allow("alice") is True  # forgotten, so counted afresh
    assert await limiter.allow("carol") is False
