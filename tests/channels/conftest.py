"""Fixtures of the LINE tests, found by pytest without an import in each test module."""

from typing import Iterator

import pytest

from line_helpers import LineApiStandIn


@pytest.fixture
def stand_in() -> Iterator[LineApiStandIn]:
    with LineApiStandIn() as api:
        yield api
    refused = [(call.path, call.errors) for call in api.calls if call.errors]
    assert not refused, f"bodies LINE would refuse: {refused}"
