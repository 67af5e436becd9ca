"""Initial schema.

Companies, activation codes, portal accounts, CC addresses, licences, renewal orders
and the mail outbox.

Revision ID: 0001
Revises:
Create Date: 2026-11-22

Written out literally rather than imported from bot.store.models: a migration must keep
creating the schema of its own day after the models have moved on.
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "companies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_companies")),
    )
    op.create_table(
        "activation_codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=37), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("product", sa.String(length=100), nullable=False),
        sa.Column("contract_end", sa.Date(), nullable=False),
        sa.Column("premium_service", sa.Boolean(), nullable=False),
        sa.CheckConstraint(
            "code = upper(code) AND length(code) = 37",
            name=op.f("ck_activation_codes_code_canonical"),
        ),
        sa.ForeignKeyConstraint(
            ["company_id"], ["companies.id"], name=op.f("fk_activation_codes_company_id_companies")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_activation_codes")),
        sa.UniqueConstraint("code", name=op.f("uq_activation_codes_code")),
    )
    op.create_index(op.f("ix_activation_codes_company_id"), "activation_codes", ["company_id"])
    op.create_table(
        "portal_accounts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("phone", sa.String(length=30), nullable=False),
        sa.Column("activation_code_id", sa.Integer(), nullable=False),
        sa.Column("password_set", sa.Boolean(), nullable=False),
        sa.Column("premium_contact", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("email = lower(email)", name=op.f("ck_portal_accounts_email_lowercase")),
        sa.ForeignKeyConstraint(
            ["activation_code_id"],
            ["activation_codes.id"],
            name=op.f("fk_portal_accounts_activation_code_id_activation_codes"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_portal_accounts")),
        sa.UniqueConstraint("email", name=op.f("uq_portal_accounts_email")),
    )
    op.create_index(op.f("ix_portal_accounts_activation_code_id"), "portal_accounts", ["activation_code_id"])
    op.create_table(
        "cc_addresses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.CheckConstraint("email = lower(email)", name=op.f("ck_cc_addresses_email_lowercase")),
        sa.CheckConstraint("position >= 0", name=op.f("ck_cc_addresses_position_not_negative")),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["portal_accounts.id"],
            name=op.f("fk_cc_addresses_account_id_portal_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cc_addresses")),
        sa.UniqueConstraint("account_id", "email", name=op.f("uq_cc_addresses_account_id_email")),
    )
    op.create_table(
        "licences",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("serial", sa.String(length=24), nullable=False),
        sa.Column("product", sa.String(length=100), nullable=False),
        sa.Column("owner_email", sa.String(length=254), nullable=False),
        sa.Column("expiry", sa.Date(), nullable=False),
        sa.Column("auto_renewal", sa.Boolean(), nullable=False),
        sa.CheckConstraint(
            "serial = upper(serial) AND length(serial) = 24",
            name=op.f("ck_licences_serial_canonical"),
        ),
        sa.CheckConstraint("owner_email = lower(owner_email)", name=op.f("ck_licences_owner_email_lowercase")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_licences")),
        sa.UniqueConstraint("serial", name=op.f("uq_licences_serial")),
    )
    op.create_index(op.f("ix_licences_owner_email"), "licences", ["owner_email"])
    op.create_table(
        "renewal_orders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("licence_id", sa.Integer(), nullable=False),
        sa.Column("years", sa.Integer(), nullable=False),
        sa.Column("payment_method", sa.String(length=30), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("applied_on", sa.Date(), nullable=False),
        sa.Column("paid_on", sa.Date(), nullable=True),
        sa.Column("payment_channel", sa.String(length=30), nullable=True),
        sa.CheckConstraint("years BETWEEN 1 AND 3", name=op.f("ck_renewal_orders_years_1_to_3")),
        sa.CheckConstraint(
            "payment_method IN ('振込用紙', 'クレジットカード', 'かんたんコンビニ決済')",
            name=op.f("ck_renewal_orders_payment_method_known"),
        ),
        sa.CheckConstraint(
            "status IN ('awaiting_payment', 'paid', 'cancelled')",
            name=op.f("ck_renewal_orders_status_known"),
        ),
        sa.CheckConstraint(
            "payment_channel IS NULL OR payment_channel IN ('コンビニエンスストア', '郵便局')",
            name=op.f("ck_renewal_orders_payment_channel_known"),
        ),
        sa.CheckConstraint(
            "(status = 'paid' AND paid_on IS NOT NULL) OR (status <> 'paid' AND paid_on IS NULL)",
            name=op.f("ck_renewal_orders_paid_on_iff_paid"),
        ),
        sa.CheckConstraint(
            "paid_on IS NULL OR paid_on >= applied_on",
            name=op.f("ck_renewal_orders_paid_after_applied"),
        ),
        sa.ForeignKeyConstraint(["licence_id"], ["licences.id"], name=op.f("fk_renewal_orders_licence_id_licences")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_renewal_orders")),
    )
    op.create_index(
        op.f("ix_renewal_orders_licence_id_applied_on"),
        "renewal_orders",
        ["licence_id", "applied_on"],
    )
    op.create_table(
        "outbox_mails",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("to_address", sa.String(length=254), nullable=False),
        sa.Column("template", sa.String(length=50), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_mails")),
    )
    op.create_index(op.f("ix_outbox_mails_sent_at_id"), "outbox_mails", ["sent_at", "id"])


def downgrade() -> None:
    # Dropping a table drops its indexes; children go before the tables they reference.
    for table in (
        "outbox_mails",
        "renewal_orders",
        "licences",
        "cc_addresses",
        "portal_accounts",
        "activation_codes",
        "companies",
    ):
        op.drop_table(table)
