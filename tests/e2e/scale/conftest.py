"""One scaled bot for the scale-out and fault tests, on its own PostgreSQL database and Redis db."""

import os
import secrets
import shutil
from urllib.parse import urlsplit

import pytest
import redis
from redis.exceptions import RedisError
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from cluster_helpers import Cluster, TcpProxy
from project_helpers import AGENT_TOKENS, MODEL, RASA_API_TOKEN, unavailable

POSTGRES_ADMIN_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@localhost:5432/postgres")
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://localhost:6379/15")


@pytest.fixture(scope="session")
def stores():
    """A fresh database and Redis db, and proxies in front of both (one each for Rasa and the actions' database)."""
    if not shutil.which("haproxy"):
        unavailable("HAProxy is not installed (apt-get install haproxy; .ci/run installs it)")
    admin_url = make_url(POSTGRES_ADMIN_URL)
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT", future=True, connect_args={"connect_timeout": 5})
    redis_parts = urlsplit(REDIS_URL)
    redis_host = redis_parts.hostname or "127.0.0.1"
    redis_port = redis_parts.port or 6379
    redis_db = redis_parts.path.lstrip("/") or "0"
    client = redis.Redis(host=redis_host, port=redis_port, db=int(redis_db))
    try:
        with admin.connect():
            pass
        client.ping()
    except (OperationalError, RedisError) as error:
        unavailable(f"PostgreSQL at {admin_url!r} and Redis at {REDIS_URL} must be reachable: {error}")
    client.flushdb()
    name = f"bot_scale_{secrets.token_hex(5)}"
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    with (
        TcpProxy(admin_url.port or 5432, admin_url.host or "127.0.0.1") as tracker_db,
        TcpProxy(admin_url.port or 5432, admin_url.host or "127.0.0.1") as actions_db,
        TcpProxy(redis_port, redis_host) as redis_proxy,
    ):
        yield {
            "tracker_db": tracker_db,
            "actions_db": actions_db,
            "redis": redis_proxy,
            "database": name,
            "tracker_url": admin_url.set(host="127.0.0.1", port=tracker_db.port, database=name).render_as_string(False),
            "actions_url": admin_url.set(host="127.0.0.1", port=actions_db.port, database=name).render_as_string(False),
            "direct_url": admin_url.set(database=name).render_as_string(False),
            "redis_url": f"redis://127.0.0.1:{redis_proxy.port}/{redis_db}",
        }
    with admin.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.dispose()
    client.flushdb()


@pytest.fixture(scope="session")
def cluster(stores):
    env = dict(
        os.environ,
        RASA_TELEMETRY_ENABLED="false",
        BOT_TODAY="2026-11-22",
        DATABASE_URL=stores["actions_url"],
        TRACKER_STORE_URL=stores["tracker_url"],
        REDIS_URL=stores["redis_url"],
        RASA_API_TOKEN=RASA_API_TOKEN,
        BOT_AGENT_TOKENS=",".join(f"{name}={token}" for name, token in AGENT_TOKENS.items()),
        BOT_WEB_DEMO_LOGIN="0",
    )
    running = Cluster(MODEL, env)
    yield running
    running.stop()
