import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError, StatementError

from bot.domain.clock import now
from bot.store import db, repository
from bot.store import models as m


def test_default_url_is_the_sqlite_file_in_var(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert db.database_url() == f"sqlite:///{db.ROOT / 'var' / 'bot.db'}"
    assert db.ROOT == Path(__file__).resolve().parents[3]


def test_database_url_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql://postgres@localhost/botdb")
    assert db.database_url() == "postgresql://postgres@localhost/botdb"


def test_importing_the_store_makes_no_engine(tmp_path):
    code = (
        "import bot.store.db as db, bot.store.repository, bot.store.demo_data, bot.store.migrate\n"
        "assert not db._engines, db._engines\n"
    )
    target = tmp_path / "nowhere" / "bot.db"
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, "DATABASE_URL": f"sqlite:///{target}"},
        cwd=db.ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert not target.parent.exists()


def test_engine_is_made_once_per_url(db_url):
    assert db.get_engine(db_url) is db.get_engine(db_url)


def test_session_scope_commits_on_success_and_rolls_back_on_error(migrated_url):
    with db.session_scope(migrated_url) as session:
        repository.queue_mail(session, "kept@example.jp", "t", "s", "b")
    with pytest.raises(RuntimeError):
        with db.session_scope(migrated_url) as session:
            repository.queue_mail(session, "dropped@example.jp", "t", "s", "b")
            raise RuntimeError("boom")
    with db.session_scope(migrated_url) as session:
        pending = repository.pending_mails(session)
    assert [mail.to_address for mail in pending] == ["kept@example.jp"]


def test_foreign_keys_are_enforced(migrated_url):
    engine = db.get_engine(migrated_url)
    with pytest.raises(IntegrityError):
        with engine.begin() as connection:
            connection.execute(
                insert(m.PortalAccount.__table__).values(
                    email="orphan@example.jp",
                    name="孤児",
                    phone="03-0000-0000",
                    activation_code_id=12345,
                    password_set=False,
                    premium_contact=False,
                    created_at=now(),
                )
            )
    with engine.connect() as connection:
        assert connection.execute(select(m.PortalAccount.id)).first() is None


def test_naive_times_are_refused(migrated_url):
    # A naive time would be stored as if it were UTC; bot.domain.clock gives aware ones.
    with pytest.raises(StatementError, match="naive datetime"):
        with db.session_scope(migrated_url) as session:
            session.add(
                m.OutboxMail(
                    to_address="a@example.jp",
                    template="t",
                    subject="s",
                    body="b",
                    created_at=datetime(2025, 1, 1, 9, 0),
                )
            )
            session.flush()
