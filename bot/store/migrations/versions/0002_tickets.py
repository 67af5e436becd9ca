"""Handoff tickets.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

CATEGORIES = ("ポータルアカウント", "ログイン", "契約更新・支払い", "製品の問い合わせ", "脅威解析", "その他")


def _one_of(column, values):
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def upgrade() -> None:
    op.create_table(
        "tickets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sender_id", sa.String(length=255), nullable=False),
        sa.Column("channel", sa.String(length=30), nullable=False),
        sa.Column("category", sa.String(length=30), nullable=False),
        sa.Column("priority", sa.String(length=10), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("verified_email", sa.String(length=254), nullable=True),
        sa.Column("contact_email", sa.String(length=254), nullable=True),
        sa.Column("fields", sa.Text(), nullable=False),
        sa.Column("transcript", sa.Text(), nullable=False),
        sa.Column("conversation_offset", sa.Integer(), nullable=False),
        sa.Column("agent", sa.String(length=100), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(_one_of("category", CATEGORIES), name=op.f("ck_tickets_category_known")),
        sa.CheckConstraint(_one_of("priority", ("high", "normal")), name=op.f("ck_tickets_priority_known")),
        sa.CheckConstraint(_one_of("status", ("open", "claimed", "closed")), name=op.f("ck_tickets_status_known")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tickets")),
    )
    op.create_index(op.f("ix_tickets_sender_id"), "tickets", ["sender_id"])
    op.create_index(op.f("ix_tickets_status_priority_created_at"), "tickets", ["status", "priority", "created_at"])


def downgrade() -> None:
    op.drop_table("tickets")
