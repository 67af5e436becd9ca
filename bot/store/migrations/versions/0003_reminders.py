"""Renewal reminders: who asked for them, and each one sent.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def _one_of(column, values):
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


CHANNELS = _one_of("channel", ("line", "mail"))


def upgrade() -> None:
    op.create_table(
        "reminder_subscriptions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=10), nullable=False),
        sa.Column("address", sa.String(length=255), nullable=False),
        sa.Column("owner_email", sa.String(length=254), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(CHANNELS, name=op.f("ck_reminder_subscriptions_channel_known")),
        sa.CheckConstraint(
            "owner_email = lower(owner_email)", name=op.f("ck_reminder_subscriptions_owner_email_lowercase")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reminder_subscriptions")),
        sa.UniqueConstraint("channel", "address", name=op.f("uq_reminder_subscriptions_channel_address")),
    )
    op.create_table(
        "reminders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=10), nullable=False),
        sa.Column("address", sa.String(length=255), nullable=False),
        sa.Column("licence_id", sa.Integer(), nullable=False),
        sa.Column("expiry", sa.Date(), nullable=False),
        sa.Column("stage", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("retry_key", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(CHANNELS, name=op.f("ck_reminders_channel_known")),
        sa.CheckConstraint(_one_of("stage", ("before_end", "after_end")), name=op.f("ck_reminders_stage_known")),
        sa.CheckConstraint(_one_of("status", ("pending", "sent", "failed")), name=op.f("ck_reminders_status_known")),
        sa.ForeignKeyConstraint(
            ["licence_id"], ["licences.id"], name=op.f("fk_reminders_licence_id_licences"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reminders")),
        sa.UniqueConstraint(
            "channel",
            "address",
            "licence_id",
            "expiry",
            "stage",
            name=op.f("uq_reminders_channel_address_licence_id_expiry_stage"),
        ),
    )


def downgrade() -> None:
    op.drop_table("reminders")
    op.drop_table("reminder_subscriptions")
