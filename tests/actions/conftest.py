from db_fixtures import db_url, demo_url, migrated_url, postgres_url, snapshot  # noqa: F401

import pytest


@pytest.fixture
def demo_db(demo_url, monkeypatch):
    """The demo records in a real database, and the day the README's examples assume."""
    monkeypatch.setenv("DATABASE_URL", demo_url)
    monkeypatch.setenv("BOT_TODAY", "2026-11-22")
    return demo_url
