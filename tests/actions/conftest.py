import pytest

from tracker_helpers import IDENTITY_SECRET


@pytest.fixture(autouse=True)
def identity_secret(monkeypatch):
    """The action servers' key for verified identities, as bot.serve would give it."""
    monkeypatch.setenv("BOT_IDENTITY_SECRET", IDENTITY_SECRET)
    return IDENTITY_SECRET
