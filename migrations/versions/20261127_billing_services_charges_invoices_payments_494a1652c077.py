"""billing: services and fees, who pays per case, charges, invoices, payments

Revision ID: 494a1652c077
Revises: 5d3b8e1f0c72
Create Date: 2026-11-27 09:00:00

The practice's services (seeded with five common US couples-counselling CPT
codes, which the owner edits for other countries), each case's arrangement of
who pays, charges made from sessions with each payer's share, invoices numbered
from one counter row without gaps, and payments and refunds recorded by hand.
A session names the service it is charged as; a partner has a date of birth for
their superbills; the practice's settings gain the currency, tax rate, the fees
for late cancellations and no-shows, and what superbills say of the practice.

``sessions.service_id`` is added with a plain ADD COLUMN on both databases (on
SQLite with its foreign key written inline), so the triggers that lock signed
sessions stay as they are: a batch copy of the table would drop them.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "494a1652c077"
down_revision = "5d3b8e1f0c72"
branch_labels = None
depends_on = None

#: The services a practice starts with (code, description, minutes, fee in cents,
#: the sessions it is the default for). A copy: practice/billing/standard.py has the
#: same list for the demo and the tests, which start from empty tables.
STANDARD_SERVICES = [
    ("90847", "Couple or family psychotherapy, with the client present", 50, 16000, "joint"),
    ("90846", "Couple or family psychotherapy, without the client present", 50, 15000, None),
    ("90791", "Diagnostic evaluation at intake", 60, 20000, None),
    ("90834", "Individual psychotherapy, 45 minutes", 45, 14000, "individual"),
    ("90837", "Individual psychotherapy, 60 minutes", 60, 18000, None),
]
SERVICE_FK = "fk_sessions_service_id_billing_services"


def upgrade():
    op.create_table(
        "billing_counters",
        sa.Column("name", sa.String(length=20), nullable=False),
        sa.Column("last_number", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_billing_counters")),
    )
    services = op.create_table(
        "billing_services",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("description", sa.String(length=200), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("fee", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column(
            "default_for",
            sa.Enum("joint", "individual", name="service_default", native_enum=False, length=20),
            nullable=True,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_billing_services")),
        sa.UniqueConstraint("default_for", name=op.f("uq_billing_services_default_for")),
    )
    op.bulk_insert(
        services,
        [
            {
                "code": code,
                "description": description,
                "minutes": minutes,
                "fee": fee,
                "active": True,
                "default_for": default_for,
            }
            for code, description, minutes, fee, default_for in STANDARD_SERVICES
        ],
    )
    op.create_table(
        "billing_credentials",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("licence", sa.String(length=200), nullable=False),
        sa.Column("npi", sa.String(length=10), nullable=False),
        sa.Column("tax_id", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_billing_credentials_user_id_users")
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_billing_credentials")),
    )
    op.create_table(
        "billing_payments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("payer", sa.String(length=5), nullable=False),
        sa.Column("refund", sa.Boolean(), nullable=False),
        sa.Column(
            "method",
            sa.Enum(
                "cash",
                "card",
                "transfer",
                "cheque",
                name="payment_method",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("amount", sa.Integer(), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("reference", sa.String(length=80), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("form_token", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_billing_payments_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["users.id"], name=op.f("fk_billing_payments_recorded_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_billing_payments")),
        sa.UniqueConstraint("form_token", name=op.f("uq_billing_payments_form_token")),
    )
    op.create_index("ix_billing_payments_case_payer", "billing_payments", ["case_id", "payer"])
    op.create_table(
        "case_billing",
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("payer", sa.String(length=5), nullable=False),
        sa.Column("split_mode", sa.String(length=10), nullable=False),
        sa.Column("share_a", sa.Integer(), nullable=False),
        sa.Column("share_b", sa.Integer(), nullable=False),
        sa.Column("remainder_to", sa.String(length=1), nullable=False),
        sa.Column("third_party_name", sa.String(length=200), nullable=False),
        sa.Column("third_party_address", sa.Text(), nullable=False),
        sa.Column("sliding_fee", sa.Integer(), nullable=True),
        sa.Column("diagnoses", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_case_billing_case_id_cases")
        ),
        sa.PrimaryKeyConstraint("case_id", name=op.f("pk_case_billing")),
    )
    op.create_table(
        "billing_charges",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=True),
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("description", sa.String(length=200), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("service_date", sa.Date(), nullable=False),
        sa.Column("session_with", sa.String(length=2), nullable=False),
        sa.Column("fee", sa.Integer(), nullable=False),
        sa.Column("percent", sa.Integer(), nullable=False),
        sa.Column("amount", sa.Integer(), nullable=False),
        sa.Column("tax_rate", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_billing_charges_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_billing_charges_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["service_id"],
            ["billing_services.id"],
            name=op.f("fk_billing_charges_service_id_billing_services"),
        ),
        sa.ForeignKeyConstraint(
            ["session_id"], ["sessions.id"], name=op.f("fk_billing_charges_session_id_sessions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_billing_charges")),
        sa.UniqueConstraint("session_id", name=op.f("uq_billing_charges_session_id")),
    )
    op.create_index(op.f("ix_billing_charges_case_id"), "billing_charges", ["case_id"])
    op.create_table(
        "billing_invoices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("counsellor_id", sa.Integer(), nullable=False),
        sa.Column("payer", sa.String(length=5), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=True),
        sa.Column("billed_to", sa.String(length=200), nullable=False),
        sa.Column("billed_to_address", sa.Text(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("subtotal", sa.Integer(), nullable=False),
        sa.Column("tax", sa.Integer(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("voided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("voided_by_id", sa.Integer(), nullable=True),
        sa.Column("void_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_billing_invoices_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["counsellor_id"], ["users.id"], name=op.f("fk_billing_invoices_counsellor_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_billing_invoices_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partners.id"], name=op.f("fk_billing_invoices_partner_id_partners")
        ),
        sa.ForeignKeyConstraint(
            ["voided_by_id"], ["users.id"], name=op.f("fk_billing_invoices_voided_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_billing_invoices")),
        sa.UniqueConstraint("number", name=op.f("uq_billing_invoices_number")),
    )
    op.create_index("ix_billing_invoices_case_payer", "billing_invoices", ["case_id", "payer"])
    op.create_table(
        "billing_charge_adjustments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("charge_id", sa.Integer(), nullable=False),
        sa.Column("amount_before", sa.Integer(), nullable=False),
        sa.Column("amount_after", sa.Integer(), nullable=False),
        sa.Column("code_before", sa.String(length=20), nullable=False),
        sa.Column("code_after", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("made_by_id", sa.Integer(), nullable=False),
        sa.Column("made_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["charge_id"],
            ["billing_charges.id"],
            name=op.f("fk_billing_charge_adjustments_charge_id_billing_charges"),
        ),
        sa.ForeignKeyConstraint(
            ["made_by_id"],
            ["users.id"],
            name=op.f("fk_billing_charge_adjustments_made_by_id_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_billing_charge_adjustments")),
    )
    op.create_index(
        op.f("ix_billing_charge_adjustments_charge_id"), "billing_charge_adjustments", ["charge_id"]
    )
    op.create_table(
        "billing_charge_shares",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("charge_id", sa.Integer(), nullable=False),
        sa.Column("payer", sa.String(length=5), nullable=False),
        sa.Column("amount", sa.Integer(), nullable=False),
        sa.Column("tax", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["charge_id"],
            ["billing_charges.id"],
            name=op.f("fk_billing_charge_shares_charge_id_billing_charges"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_billing_charge_shares")),
        sa.UniqueConstraint("charge_id", "payer", name=op.f("uq_billing_charge_shares_charge_id")),
    )
    op.create_table(
        "billing_invoice_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("invoice_id", sa.Integer(), nullable=False),
        sa.Column("charge_id", sa.Integer(), nullable=False),
        sa.Column("service_date", sa.Date(), nullable=False),
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("description", sa.String(length=300), nullable=False),
        sa.Column("amount", sa.Integer(), nullable=False),
        sa.Column("tax", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["charge_id"],
            ["billing_charges.id"],
            name=op.f("fk_billing_invoice_lines_charge_id_billing_charges"),
        ),
        sa.ForeignKeyConstraint(
            ["invoice_id"],
            ["billing_invoices.id"],
            name=op.f("fk_billing_invoice_lines_invoice_id_billing_invoices"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_billing_invoice_lines")),
    )
    op.create_index(
        op.f("ix_billing_invoice_lines_charge_id"), "billing_invoice_lines", ["charge_id"]
    )
    op.create_index(
        op.f("ix_billing_invoice_lines_invoice_id"), "billing_invoice_lines", ["invoice_id"]
    )
    with op.batch_alter_table("partners") as batch_op:
        batch_op.add_column(sa.Column("date_of_birth", sa.Date(), nullable=True))
    with op.batch_alter_table("practice_settings") as batch_op:
        batch_op.add_column(
            sa.Column("currency", sa.String(length=3), server_default="USD", nullable=False)
        )
        for name in ("tax_rate", "late_cancel_percent", "no_show_percent"):
            batch_op.add_column(sa.Column(name, sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(
            sa.Column("tax_id", sa.String(length=20), server_default="", nullable=False)
        )
        batch_op.add_column(
            sa.Column("npi", sa.String(length=10), server_default="", nullable=False)
        )
        batch_op.add_column(sa.Column("invoice_note", sa.Text(), server_default="", nullable=False))
    if op.get_bind().dialect.name == "postgresql":
        op.add_column("sessions", sa.Column("service_id", sa.Integer(), nullable=True))
        op.create_foreign_key(SERVICE_FK, "sessions", "billing_services", ["service_id"], ["id"])
    else:
        op.execute(
            "ALTER TABLE sessions ADD COLUMN service_id INTEGER "
            f"CONSTRAINT {SERVICE_FK} REFERENCES billing_services (id)"
        )


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.drop_constraint(SERVICE_FK, "sessions", type_="foreignkey")
    op.execute("ALTER TABLE sessions DROP COLUMN service_id")
    with op.batch_alter_table("practice_settings") as batch_op:
        for name in (
            "invoice_note",
            "npi",
            "tax_id",
            "no_show_percent",
            "late_cancel_percent",
            "tax_rate",
            "currency",
        ):
            batch_op.drop_column(name)
    with op.batch_alter_table("partners") as batch_op:
        batch_op.drop_column("date_of_birth")
    for table in (
        "billing_invoice_lines",
        "billing_charge_shares",
        "billing_charge_adjustments",
        "billing_invoices",
        "billing_charges",
        "case_billing",
        "billing_payments",
        "billing_credentials",
        "billing_services",
        "billing_counters",
    ):
        op.drop_table(table)
