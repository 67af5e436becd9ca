"""Engines and sessions for the URL in `DATABASE_URL` (default: SQLite in var/bot.db).

Nothing connects at import time: engines are made on first use and cached per URL,
so the action server, the shell commands and the tests can each point elsewhere.
"""

from __future__ import annotations

import asyncio
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Dict, Iterator, Optional, TypeVar

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session, sessionmaker

from bot import settings

ROOT = Path(__file__).resolve().parents[2]
MIGRATIONS = Path(__file__).resolve().parent / "migrations"

T = TypeVar("T")

_engines: Dict[str, Engine] = {}
_lock = threading.Lock()


def database_url() -> str:
    return settings.current(settings.CoreSettings).database_url


def tracker_store_url() -> str:
    """Where Rasa keeps the conversations (endpoints.yml's tracker store), default: SQLite in var/tracker.db."""
    return settings.current(settings.CoreSettings).tracker_store_url


def get_engine(url: Optional[str] = None) -> Engine:
    """The engine for `url` (default: `DATABASE_URL`), made on first use and then shared."""
    url = url or database_url()
    with _lock:
        if url not in _engines:
            _engines[url] = _make_engine(url)
        return _engines[url]


def _make_engine(url: str) -> Engine:
    if make_url(url).get_backend_name() == "sqlite":
        return _sqlite_engine(url)
    # pre_ping: a database restart must not surface as an error in the middle of a chat.
    return create_engine(url, future=True, pool_pre_ping=True)


def _sqlite_engine(url: str) -> Engine:
    path = make_url(url).database
    if path and path != ":memory:":
        # var/ is not in git, so a fresh clone has nowhere to put the default file.
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    # The action server hands sessions between threads; each session is used by one at a time.
    engine = create_engine(url, future=True, connect_args={"check_same_thread": False})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        # pysqlite's own implicit BEGIN breaks SAVEPOINT and transactional DDL;
        # SQLAlchemy's documented remedy: switch it off and emit BEGIN ourselves.
        dbapi_connection.isolation_level = None
        # SQLite ignores foreign keys unless asked, per connection.
        dbapi_connection.execute("PRAGMA foreign_keys=ON")

    @event.listens_for(engine, "begin")
    def _on_begin(connection) -> None:
        connection.exec_driver_sql("BEGIN")

    return engine


def session_factory(url: Optional[str] = None) -> sessionmaker:
    return sessionmaker(bind=get_engine(url), future=True)


@contextmanager
def session_scope(url: Optional[str] = None) -> Iterator[Session]:
    """One unit of work: committed when the block ends, rolled back when it raises."""
    session = session_factory(url)()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def _run(work: Callable[[Session], T]) -> T:
    with session_scope() as session:
        return work(session)


async def in_session(work: Callable[[Session], T]) -> T:
    """Run `work(session)` in a worker thread and commit, so a slow query never blocks a server's other requests."""
    return await asyncio.to_thread(_run, work)


def dispose_engines() -> None:
    """Close every pooled connection and forget the engines, e.g. before dropping a database."""
    with _lock:
        for engine in _engines.values():
            engine.dispose()
        _engines.clear()


def alembic_config(url: Optional[str] = None) -> Config:
    """The migrations' config, built in code: no alembic.ini lookup, no logging takeover."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS).replace("%", "%%"))
    # Passed as an attribute, not an ini option, so '%' in passwords needs no escaping.
    config.attributes["url"] = url or database_url()
    return config


def upgrade_to_head(url: Optional[str] = None) -> None:
    """Bring the schema at `url` (default: `DATABASE_URL`) to the newest migration."""
    command.upgrade(alembic_config(url), "head")
