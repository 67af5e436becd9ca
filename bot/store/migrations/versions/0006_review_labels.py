"""The review queue's labels: what a supervisor said a customer message meant, by whom and when.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "review_labels",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("sender_id", sa.String(length=255), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("read_as", sa.String(length=100), nullable=True),
        sa.Column("label", sa.String(length=100), nullable=False),
        sa.Column("written_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("labelled_by", sa.String(length=100), nullable=False),
        sa.Column("labelled_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_labels")),
        sa.UniqueConstraint("event_id", "sender_id", name=op.f("uq_review_labels_event_id_sender_id")),
    )


def downgrade() -> None:
    op.drop_table("review_labels")
