"""The shell commands: python -m bot.store.migrate, python -m bot.store.demo_data, alembic."""

import os
import subprocess
import sys

from alembic.runtime.migration import MigrationContext

from bot.store import db, demo_data, repository


def _run(db_url, *args):
    result = subprocess.run(
        [sys.executable, "-m", *args],
        cwd=db.ROOT,
        env={**os.environ, "DATABASE_URL": db_url},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_migrate_then_load_from_the_shell(db_url):
    assert "newest schema" in _run(db_url, "bot.store.migrate")
    assert "demo data loaded" in _run(db_url, "bot.store.demo_data")
    # Not empty any more: a plain second run must not load the records twice.
    assert "nothing loaded" in _run(db_url, "bot.store.demo_data")
    with db.session_scope(db_url) as session:
        assert repository.find_account(session, "tanaka@test-kogyo.jp").company == "合同会社テスト工業"


def test_alembic_command_line_uses_database_url(db_url):
    _run(db_url, "alembic", "upgrade", "head")
    with db.get_engine(db_url).connect() as connection:
        assert MigrationContext.configure(connection).get_current_revision() == "0008"


def test_reset_is_idempotent(db_url, monkeypatch, snapshot):
    monkeypatch.setenv("DATABASE_URL", db_url)
    assert demo_data.main([]) == 0
    loaded = snapshot(db_url)
    with db.session_scope(db_url) as session:
        repository.create_account(
            session,
            email="extra@example.jp",
            name="追加",
            phone="03-1111-2222",
            activation_code="TB-5RD2-H8L4Q-3NZ7V-9KC1W-6PM5X-1GT8B",
        )
        repository.queue_mail(session, "extra@example.jp", "welcome", "件名", "本文")

    assert demo_data.main(["--reset"]) == 0
    assert snapshot(db_url) == loaded
    assert demo_data.main(["--reset"]) == 0
    assert snapshot(db_url) == loaded
