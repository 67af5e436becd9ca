from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from bot.store import db
from bot.store.models import Base

TABLES = {
    "companies",
    "activation_codes",
    "portal_accounts",
    "cc_addresses",
    "licences",
    "renewal_orders",
    "outbox_mails",
    "tickets",
    "reminder_subscriptions",
    "reminders",
    "csat_ratings",
    "review_labels",
}


def _head() -> str:
    return ScriptDirectory.from_config(db.alembic_config()).get_current_head()


def test_upgrade_creates_the_schema_of_the_models(db_url):
    db.upgrade_to_head(db_url)
    with db.get_engine(db_url).connect() as connection:
        assert set(inspect(connection).get_table_names()) == TABLES | {"alembic_version"}
        # Any difference between migrations and models (column, index, constraint) shows here.
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []
        assert MigrationContext.configure(connection).get_current_revision() == _head()


def test_upgrade_again_changes_nothing(migrated_url):
    db.upgrade_to_head(migrated_url)
    with db.get_engine(migrated_url).connect() as connection:
        assert MigrationContext.configure(connection).get_current_revision() == _head()


def test_downgrade_to_base_removes_everything(migrated_url):
    command.downgrade(db.alembic_config(migrated_url), "base")
    with db.get_engine(migrated_url).connect() as connection:
        assert set(inspect(connection).get_table_names()) == {"alembic_version"}
        assert MigrationContext.configure(connection).get_current_revision() is None


def test_revisions_form_one_line_and_the_ini_points_at_it():
    config = Config(str(db.ROOT / "alembic.ini"))
    script = ScriptDirectory.from_config(config)
    assert script.dir == str(db.MIGRATIONS)
    # Newest first, each revising the one before: no branches to merge.
    assert [rev.revision for rev in script.walk_revisions()] == ["0007", "0006", "0005", "0004", "0003", "0002", "0001"]
    assert _head() == "0007"
    # The URL must come from DATABASE_URL, never from a file that could hold a password.
    assert config.get_main_option("sqlalchemy.url") is None
