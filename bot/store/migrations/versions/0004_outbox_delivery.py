"""Outbox delivery: how often a mail was tried, when it may be tried next, and why it was given up.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbox_mails") as table:
        table.add_column(sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"))
        table.add_column(sa.Column("next_try_at", sa.DateTime(timezone=True), nullable=True))
        table.add_column(sa.Column("last_error", sa.String(length=200), nullable=True))
        table.add_column(sa.Column("failed_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("outbox_mails") as table:
        table.drop_column("failed_at")
        table.drop_column("last_error")
        table.drop_column("next_try_at")
        table.drop_column("attempts")
