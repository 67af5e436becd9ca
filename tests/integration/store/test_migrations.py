from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text

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
    assert [rev.revision for rev in script.walk_revisions()] == [
        "0008",
        "0007",
        "0006",
        "0005",
        "0004",
        "0003",
        "0002",
        "0001",
    ]
    assert _head() == "0008"
    # The URL must come from DATABASE_URL, never from a file that could hold a password.
    assert config.get_main_option("sqlalchemy.url") is None


# Tickets as 0007 stored them: the customer's last question as a line of the summary, or none.
OLD_SUMMARIES = {
    1: "【契約更新・支払い】お客さまが担当者との対応を希望。\nご本人確認: 未\n"
    "最後のご質問: 「振込用紙はいつ届きますか」",
    2: "【その他】ボットがご質問を2回続けて理解できず。\nご本人確認: 済み",
    # Retention had removed the question already.
    3: "【ログイン】ご本人確認に3回失敗。\nご本人確認: 未",
}


def _summaries(url):
    with db.get_engine(url).connect() as connection:
        columns = (
            "id, summary, last_question"
            if "last_question" in {column["name"] for column in inspect(connection).get_columns("tickets")}
            else "id, summary, NULL"
        )
        return {row[0]: (row[1], row[2]) for row in connection.execute(text(f"SELECT {columns} FROM tickets"))}


def test_the_last_question_moves_from_the_summary_to_its_column_and_back(db_url):
    config = db.alembic_config(db_url)
    command.upgrade(config, "0007")
    with db.get_engine(db_url).begin() as connection:
        for ticket_id, summary in OLD_SUMMARIES.items():
            connection.execute(
                text(
                    "INSERT INTO tickets (id, sender_id, channel, category, priority, status, summary, fields,"
                    " transcript, conversation_offset, created_at, updated_at)"
                    " VALUES (:id, :sender, 'socketio', 'その他', 'normal', 'open', :summary, '{}', '[]', 0,"
                    " :now, :now)"
                ),
                {"id": ticket_id, "sender": f"web-{ticket_id}", "summary": summary, "now": "2026-11-22 10:00:00+00:00"},
            )

    command.upgrade(config, "0008")
    assert _summaries(db_url) == {
        1: ("【契約更新・支払い】お客さまが担当者との対応を希望。\nご本人確認: 未", "振込用紙はいつ届きますか"),
        2: (OLD_SUMMARIES[2], None),
        3: (OLD_SUMMARIES[3], None),
    }

    command.downgrade(config, "0007")
    assert _summaries(db_url) == {ticket_id: (summary, None) for ticket_id, summary in OLD_SUMMARIES.items()}
