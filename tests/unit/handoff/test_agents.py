"""Agent credentials: who may use the inbox."""

import pytest

from bot.handoff.agents import agent_of
from bot.settings.inbox import parse_agent_tokens, parse_supervisors

AGENTS = {"suzuki": "suzuki-token-0123456789", "tanaka": "tanaka-token-0123456789"}


def test_tokens_are_read_as_name_token_pairs():
    assert parse_agent_tokens(" suzuki=suzuki-token-0123456789 , tanaka=tanaka-token-0123456789,") == AGENTS
    assert parse_agent_tokens(None) == {} and parse_agent_tokens("") == {}


@pytest.mark.parametrize(
    "text",
    [
        "suzuki",  # no token
        "suzuki=short",  # guessable
        "鈴木=suzuki-token-0123456789",  # names are what logs and tickets record: plain ASCII
        "suzuki=suzuki-token-0123456789,suzuki=other-token-0123456789",
    ],
)
def test_operator_mistakes_stop_the_inbox_instead_of_letting_anyone_in(text):
    with pytest.raises(ValueError):
        parse_agent_tokens(text)


@pytest.mark.parametrize(
    "header, agent",
    [
        ("Bearer suzuki-token-0123456789", "suzuki"),
        ("bearer tanaka-token-0123456789", "tanaka"),
        ("Bearer suzuki-token-012345678", None),  # one character short
        ("Bearer suzuki-token-0123456789x", None),
        ("Basic suzuki-token-0123456789", None),
        ("suzuki-token-0123456789", None),
        ("Bearer ", None),
        ("", None),
        (None, None),
    ],
)
def test_only_an_agents_own_token_signs_in(header, agent):
    assert agent_of(header, AGENTS) == agent


def test_nobody_signs_in_when_no_agents_are_configured():
    assert agent_of("Bearer anything-at-all-0123456789", {}) is None


def test_supervisors_are_named_agents():
    assert parse_supervisors(" suzuki , ", AGENTS.keys()) == {"suzuki"}
    assert parse_supervisors("suzuki,tanaka", AGENTS.keys()) == {"suzuki", "tanaka"}
    assert parse_supervisors(None, AGENTS.keys()) == frozenset() and parse_supervisors("", {}) == frozenset()


@pytest.mark.parametrize("text", ["sato", "suzuki,sato", "Suzuki"])
def test_a_supervisor_who_is_not_an_agent_is_an_operator_error(text):
    with pytest.raises(ValueError, match="not in BOT_AGENT_TOKENS"):
        parse_supervisors(text, AGENTS.keys())
