"""Fixtures of the action tests, in tests/unit/actions and tests/integration/actions alike: each of
those folders' conftest.py takes them from here."""

import inspect

import pytest

from bot import services
from tracker_helpers import IDENTITY_SECRET


@pytest.fixture(autouse=True)
def identity_secret(monkeypatch):
    """The action servers' key for verified identities, as bot.runtime.serve would give it."""
    monkeypatch.setenv("BOT_IDENTITY_SECRET", IDENTITY_SECRET)
    return IDENTITY_SECRET


def _parameters(function):
    return [(parameter.name, parameter.kind) for parameter in inspect.signature(function).parameters.values()]


@pytest.fixture
def fake_service(monkeypatch):
    """`fake_service(name, fake)` puts `fake` where the actions look the capability up
    (bot.services.<name>), for this test only.

    Each coroutine of the fake must be one of the service's, taking the same parameters: a fake
    that drifted from the service would test actions against calls they can no longer make.
    """

    def swap(name, fake):
        real = getattr(services, name)
        for attribute, faked in inspect.getmembers(fake, inspect.iscoroutinefunction):
            if not attribute.startswith("_"):
                assert _parameters(faked) == _parameters(getattr(real, attribute)), f"{name}.{attribute}"
        monkeypatch.setattr(services, name, fake)
        return fake

    return swap
