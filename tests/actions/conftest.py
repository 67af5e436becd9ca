import pytest

from tracker_helpers import IDENTITY_SECRET


@pytest.fixture
def demo_db(demo_url, monkeypatch):
    """The demo records in a real database, and the day the README's examples assume."""
    monkeypatch.setenv("DATABASE_URL", demo_url)
    monkeypatch.setenv("BOT_TODAY", "2026-11-22")
    return demo_url


@pytest.fixture(autouse=True)
def identity_secret(monkeypatch):
    """The action servers' key for verified identities, as bot.runtime.serve would give it."""
    monkeypatch.setenv("BOT_IDENTITY_SECRET", IDENTITY_SECRET)
    return IDENTITY_SECRET
