"""Database fixtures shared by the data-layer and action tests: every test runs twice, on a fresh
SQLite file and on PostgreSQL.

PostgreSQL gets one database per test session (bot_test_<random>, dropped at the end)
and an empty `public` schema per test. Where no server answers, its tests are skipped
locally but fail when CI=true: CI must not go green without having tested PostgreSQL.
The server is TEST_POSTGRES_URL (default postgresql://postgres@localhost:5432/postgres).
"""

from __future__ import annotations

import os
import secrets
from typing import Dict, Iterator, List, Tuple

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from bot.store import db
from bot.store import models as m
from bot.store.demo_data import load_demo_data
from project_helpers import unavailable

POSTGRES_ADMIN_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@localhost:5432/postgres")


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    admin = create_engine(
        POSTGRES_ADMIN_URL,
        future=True,
        isolation_level="AUTOCOMMIT",  # CREATE/DROP DATABASE cannot run in a transaction
        connect_args={"connect_timeout": 5},
    )
    try:
        with admin.connect():
            pass
    except OperationalError as exc:
        admin.dispose()
        message = f"PostgreSQL at {make_url(POSTGRES_ADMIN_URL)!r} is unreachable: {exc.orig}"
        unavailable(message)

    name = f"bot_test_{secrets.token_hex(6)}"
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield make_url(POSTGRES_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        # Pooled connections would keep the database in use and the DROP would fail.
        db.dispose_engines()
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}"')
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path) -> Iterator[str]:
    """An empty database: no tables, not even alembic_version."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'bot.db'}"
    else:
        url = request.getfixturevalue("postgres_url")
        with db.get_engine(url).begin() as connection:
            connection.exec_driver_sql("DROP SCHEMA public CASCADE")
            connection.exec_driver_sql("CREATE SCHEMA public")
    yield url
    db.dispose_engines()


@pytest.fixture
def migrated_url(db_url: str) -> str:
    db.upgrade_to_head(db_url)
    return db_url


@pytest.fixture
def demo_url(migrated_url: str) -> str:
    """The fixed demo records and a few generated ones (the full bulk only where it matters)."""
    with db.session_scope(migrated_url) as session:
        load_demo_data(session, generated_accounts=8, generated_licences=12)
    return migrated_url


@pytest.fixture
def demo_db(demo_url, monkeypatch):
    """The demo records as the database of the process (DATABASE_URL), on the day the README's
    examples assume: what the actions and the services work on."""
    monkeypatch.setenv("DATABASE_URL", demo_url)
    monkeypatch.setenv("BOT_TODAY", "2026-11-22")
    return demo_url


@pytest.fixture
def snapshot():
    return _snapshot


def _snapshot(url: str) -> Dict[str, List[Tuple]]:
    """All rows as comparable values, without surrogate ids (a reload renumbers them)."""
    queries = {
        "activation_codes": select(
            m.ActivationCode.code,
            m.Company.name,
            m.ActivationCode.product,
            m.ActivationCode.contract_end,
            m.ActivationCode.premium_service,
        ).join(m.Company),
        "accounts": select(
            m.PortalAccount.email,
            m.PortalAccount.name,
            m.PortalAccount.phone,
            m.ActivationCode.code,
            m.PortalAccount.password_set,
            m.PortalAccount.premium_contact,
            m.PortalAccount.created_at,
        ).join(m.ActivationCode),
        "cc_addresses": select(m.PortalAccount.email, m.CcAddress.email, m.CcAddress.position).join(m.PortalAccount),
        "licences": select(
            m.Licence.serial,
            m.Licence.product,
            m.Licence.owner_email,
            m.Licence.expiry,
            m.Licence.auto_renewal,
        ),
        "renewal_orders": select(m.Licence.serial, m.RenewalOrder.years, m.RenewalOrder.status).join(m.Licence),
        "outbox_mails": select(m.OutboxMail.to_address, m.OutboxMail.template),
    }
    with db.session_scope(url) as session:
        return {name: sorted(map(tuple, session.execute(query))) for name, query in queries.items()}
