"""What every process of the bot shares: where the data lives, the clock, the metrics page's token
and the log level."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from bot.domain import clock
from bot.settings.reading import FromEnv, Reader

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DATABASE_URL = f"sqlite:///{ROOT / 'var' / 'bot.db'}"
DEFAULT_TRACKER_STORE_URL = f"sqlite:///{ROOT / 'var' / 'tracker.db'}"
# The names Rasa's logging takes (it refuses "debug" in small letters).
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
_DATABASES = ("sqlite", "postgresql")
_REDIS_SCHEMES = ("redis://", "rediss://", "unix://")


def _database_url(text: str) -> str:
    # The value is not repeated: it may hold a password.
    try:
        backend = make_url(text).get_backend_name()
    except ArgumentError:
        backend = None
    if backend not in _DATABASES:
        raise ValueError(
            "expected sqlite:///<file> or postgresql://user:password@host/database, "
            "got something else (the value is not shown: it may hold a password)"
        )
    return text


def _redis_url(text: str) -> str:
    if not text.startswith(_REDIS_SCHEMES):
        raise ValueError(
            "expected redis://host:port/db (or rediss://, unix://), got something "
            "else (the value is not shown: it may hold a password)"
        )
    return text


@dataclass(frozen=True)
class CoreSettings(FromEnv):
    database_url: str = DEFAULT_DATABASE_URL
    tracker_store_url: str = DEFAULT_TRACKER_STORE_URL
    # Set when several Rasa processes share their counters (bot.runtime.shared_state).
    redis_url: Optional[str] = None
    # Unset: /metrics answers 404 (bot.metrics).
    metrics_token: Optional[str] = None
    log_level: str = "INFO"

    @classmethod
    def read(cls, reader: Reader) -> "CoreSettings":
        # Checked only: bot.domain.clock reads them at every call.
        reader.parsed("BOT_TODAY", clock.parse_day, None)
        reader.parsed("BOT_NOW", clock.parse_moment, None)
        return cls(
            database_url=reader.parsed("DATABASE_URL", _database_url, cls.database_url),
            tracker_store_url=reader.parsed("TRACKER_STORE_URL", _database_url, cls.tracker_store_url),
            redis_url=reader.parsed("REDIS_URL", _redis_url, None),
            metrics_token=reader.secret("BOT_METRICS_TOKEN"),
            log_level=reader.choice("LOG_LEVEL", LOG_LEVELS, cls.log_level),
        )
