"""The customer's last question in a column of the ticket, no longer a line of its summary.

Until now bot.support.triage wrote it into the summary as 最後のご質問: 「…」 and retention parsed
that line back out. Upgrading moves the line of each existing ticket into the column; downgrading
writes it back.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

# The line as the summaries before this revision hold it: a data format of the past, not words to say.
QUOTE_START, QUOTE_END = "最後のご質問: 「", "」"

tickets = sa.table(
    "tickets", sa.column("id", sa.Integer), sa.column("summary", sa.Text), sa.column("last_question", sa.Text)
)


def split_summary(summary: str):
    """The summary without its question line, and the question (None without one)."""
    lines = summary.split("\n")
    for index, line in enumerate(lines):
        if line.startswith(QUOTE_START) and line.endswith(QUOTE_END):
            return "\n".join(lines[:index] + lines[index + 1 :]), line[len(QUOTE_START) : -len(QUOTE_END)]
    return summary, None


def upgrade() -> None:
    with op.batch_alter_table("tickets") as table:
        table.add_column(sa.Column("last_question", sa.Text(), nullable=True))
    connection = op.get_bind()
    for ticket_id, summary in connection.execute(sa.select(tickets.c.id, tickets.c.summary)).all():
        rest, question = split_summary(summary)
        if question is not None:
            connection.execute(
                tickets.update().where(tickets.c.id == ticket_id).values(summary=rest, last_question=question)
            )


def downgrade() -> None:
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(tickets.c.id, tickets.c.summary, tickets.c.last_question).where(tickets.c.last_question.isnot(None))
    ).all()
    for ticket_id, summary, question in rows:
        connection.execute(
            tickets.update()
            .where(tickets.c.id == ticket_id)
            .values(summary=f"{summary}\n{QUOTE_START}{question}{QUOTE_END}")
        )
    with op.batch_alter_table("tickets") as table:
        table.drop_column("last_question")
