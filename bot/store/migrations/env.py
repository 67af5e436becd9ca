"""Alembic environment: the URL comes from bot.store.db (DATABASE_URL), never from alembic.ini.

`upgrade_to_head(url)` passes its URL in `config.attributes`; the alembic command line
leaves it unset and gets DATABASE_URL or the default SQLite file.
"""

from logging.config import fileConfig

from alembic import context
from sqlalchemy import text
from sqlalchemy.engine import make_url

from bot.store import db
from bot.store.models import Base

config = context.config
url = config.attributes.get("url") or db.database_url()
# SQLite cannot ALTER most things in place; batch mode copies the table instead.
batch = make_url(url).get_backend_name() == "sqlite"

# Only the command line has an ini file; called from the app, leave its logging alone.
if config.config_file_name is not None:
    fileConfig(config.config_file_name, disable_existing_loggers=False)

# An arbitrary constant shared by every process that migrates this schema.
_MIGRATION_LOCK = 7_240_401


def run_offline() -> None:
    context.configure(
        url=url,
        target_metadata=Base.metadata,
        literal_binds=True,
        render_as_batch=batch,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    with db.get_engine(url).connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=Base.metadata,
            render_as_batch=batch,
            # Also on SQLite: db.py makes pysqlite emit a real BEGIN, so a migration that
            # fails half-way is rolled back instead of leaving half a schema.
            transactional_ddl=True,
        )
        with context.begin_transaction():
            if connection.dialect.name == "postgresql":
                # Several workers may start at once; the first migrates, the others then
                # find the schema current. Released when the transaction ends.
                connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK})
            context.run_migrations()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
