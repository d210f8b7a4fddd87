"""intake forms and answers, consent documents and signatures, kept unchanged once fixed

Revision ID: 5d3b8e1f0c72
Revises: 7d3b9e51c2a4
Create Date: 2026-11-28 09:00:00

The practice's intake questions (``intake_forms``) and consent documents
(``consent_documents``) come in versions, each fixed once published; each
partner's intake answers (``intake_answers``, encrypted) are fixed once sent, and
a signature (``consent_signatures``) from the moment it is made. Triggers refuse
changing or deleting fixed rows to hand-written SQL as well as to the app, as for
signed notes. ``sessions.consent_reason`` keeps why a couple was seen together
before both had signed (encrypted, counsellor-only).

The column is added and dropped with plain ALTER TABLE: a batch copy of
``sessions`` on SQLite would drop its signed-facts trigger.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "5d3b8e1f0c72"
down_revision = "7d3b9e51c2a4"
branch_labels = None
depends_on = None

# Kept here as migrations must; practice/intake/locks.py and practice/consent/locks.py
# hold the same SQL (tests/test_consent_locks.py checks they agree).
SQLITE_TRIGGERS = {
    "intake_forms_published_no_update": """
        CREATE TRIGGER intake_forms_published_no_update BEFORE UPDATE ON intake_forms
        WHEN OLD.published_at IS NOT NULL
        BEGIN SELECT RAISE(ABORT, 'a published intake form cannot be changed'); END""",
    "intake_forms_published_no_delete": """
        CREATE TRIGGER intake_forms_published_no_delete BEFORE DELETE ON intake_forms
        WHEN OLD.published_at IS NOT NULL
        BEGIN SELECT RAISE(ABORT, 'a published intake form is kept for good'); END""",
    "intake_answers_sent_no_update": """
        CREATE TRIGGER intake_answers_sent_no_update BEFORE UPDATE ON intake_answers
        WHEN OLD.submitted_at IS NOT NULL
        BEGIN SELECT RAISE(ABORT, 'sent intake answers cannot be changed'); END""",
    "intake_answers_sent_no_delete": """
        CREATE TRIGGER intake_answers_sent_no_delete BEFORE DELETE ON intake_answers
        WHEN OLD.submitted_at IS NOT NULL
        BEGIN SELECT RAISE(ABORT, 'sent intake answers are kept for good'); END""",
    "consent_documents_published_no_update": """
        CREATE TRIGGER consent_documents_published_no_update BEFORE UPDATE ON consent_documents
        WHEN OLD.published_at IS NOT NULL
        BEGIN SELECT RAISE(ABORT, 'a published consent document cannot be changed'); END""",
    "consent_documents_published_no_delete": """
        CREATE TRIGGER consent_documents_published_no_delete BEFORE DELETE ON consent_documents
        WHEN OLD.published_at IS NOT NULL
        BEGIN SELECT RAISE(ABORT, 'a published consent document is kept for good'); END""",
    "consent_signatures_no_update": """
        CREATE TRIGGER consent_signatures_no_update BEFORE UPDATE ON consent_signatures
        BEGIN SELECT RAISE(ABORT, 'signatures cannot be changed'); END""",
    "consent_signatures_no_delete": """
        CREATE TRIGGER consent_signatures_no_delete BEFORE DELETE ON consent_signatures
        BEGIN SELECT RAISE(ABORT, 'signatures are kept for good'); END""",
}

# PostgreSQL: one function per kind of lock; the trigger names are those of the locks modules.
POSTGRES_FUNCTIONS = {
    "mend_refuse_published_change": """
    CREATE OR REPLACE FUNCTION mend_refuse_published_change() RETURNS trigger AS $$
    BEGIN
        IF OLD.published_at IS NOT NULL THEN
            RAISE EXCEPTION 'a published % cannot be changed; it is kept for good (%)',
                TG_TABLE_NAME, TG_OP;
        END IF;
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        RETURN NEW;
    END $$ LANGUAGE plpgsql""",
    "mend_refuse_sent_change": """
    CREATE OR REPLACE FUNCTION mend_refuse_sent_change() RETURNS trigger AS $$
    BEGIN
        IF OLD.submitted_at IS NOT NULL THEN
            RAISE EXCEPTION 'sent intake answers cannot be changed; they are kept for good (%)',
                TG_OP;
        END IF;
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        RETURN NEW;
    END $$ LANGUAGE plpgsql""",
    "mend_refuse_signature_change": """
    CREATE OR REPLACE FUNCTION mend_refuse_signature_change() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION 'signatures cannot be changed; they are kept for good (%)', TG_OP;
    END $$ LANGUAGE plpgsql""",
}
POSTGRES_TRIGGERS = {
    "intake_forms_lock": ("intake_forms", "mend_refuse_published_change"),
    "intake_answers_lock": ("intake_answers", "mend_refuse_sent_change"),
    "consent_documents_lock": ("consent_documents", "mend_refuse_published_change"),
    "consent_signatures_lock": ("consent_signatures", "mend_refuse_signature_change"),
}


def upgrade():
    op.create_table(
        "consent_documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "counselling",
                "confidentiality",
                "video",
                "privacy",
                name="document_kind",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column(
            "policy",
            sa.Enum(
                "no-secrets",
                "limited-secrets",
                name="confidentiality_policy",
                native_enum=False,
                length=20,
            ),
            nullable=True,
        ),
        sa.Column("text_sha256", sa.String(length=64), nullable=True),
        sa.Column("written_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("published_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["published_by_id"],
            ["users.id"],
            name=op.f("fk_consent_documents_published_by_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["written_by_id"], ["users.id"], name=op.f("fk_consent_documents_written_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consent_documents")),
        sa.UniqueConstraint("kind", "version", name=op.f("uq_consent_documents_kind")),
    )
    op.create_table(
        "intake_forms",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("questions", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("published_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["published_by_id"], ["users.id"], name=op.f("fk_intake_forms_published_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_intake_forms")),
        sa.UniqueConstraint("version", name=op.f("uq_intake_forms_version")),
    )
    op.create_table(
        "consent_signatures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("typed_name", sa.String(length=200), nullable=False),
        sa.Column("signed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("text_sha256", sa.String(length=64), nullable=False),
        sa.Column("signed_from", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_consent_signatures_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["consent_documents.id"],
            name=op.f("fk_consent_signatures_document_id_consent_documents"),
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partners.id"], name=op.f("fk_consent_signatures_partner_id_partners")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_consent_signatures_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consent_signatures")),
        sa.UniqueConstraint(
            "partner_id", "document_id", name=op.f("uq_consent_signatures_partner_id")
        ),
    )
    with op.batch_alter_table("consent_signatures", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_consent_signatures_case_id"), ["case_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_consent_signatures_partner_id"), ["partner_id"], unique=False
        )
    op.create_table(
        "intake_answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("form_id", sa.Integer(), nullable=False),
        sa.Column("answers", sa.Text(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("submitted_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_intake_answers_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["form_id"], ["intake_forms.id"], name=op.f("fk_intake_answers_form_id_intake_forms")
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partners.id"], name=op.f("fk_intake_answers_partner_id_partners")
        ),
        sa.ForeignKeyConstraint(
            ["submitted_by_id"],
            ["users.id"],
            name=op.f("fk_intake_answers_submitted_by_id_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_intake_answers")),
        sa.UniqueConstraint("partner_id", name=op.f("uq_intake_answers_partner_id")),
    )
    with op.batch_alter_table("intake_answers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_intake_answers_case_id"), ["case_id"], unique=False)
    op.add_column("sessions", sa.Column("consent_reason", sa.Text(), nullable=True))
    create_lock_triggers()


def create_lock_triggers():
    if op.get_bind().dialect.name == "postgresql":
        for sql in POSTGRES_FUNCTIONS.values():
            op.execute(sql)
        for name, (table, function) in POSTGRES_TRIGGERS.items():
            op.execute(
                f"CREATE TRIGGER {name} BEFORE UPDATE OR DELETE ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION {function}()"
            )
    else:
        for sql in SQLITE_TRIGGERS.values():
            op.execute(sql)


def drop_lock_triggers():
    if op.get_bind().dialect.name == "postgresql":
        for name, (table, _) in POSTGRES_TRIGGERS.items():
            op.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
        for function in POSTGRES_FUNCTIONS:
            op.execute(f"DROP FUNCTION IF EXISTS {function}()")
    else:
        for name in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")


def downgrade():
    drop_lock_triggers()
    op.execute("ALTER TABLE sessions DROP COLUMN consent_reason")
    with op.batch_alter_table("intake_answers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_intake_answers_case_id"))
    op.drop_table("intake_answers")
    with op.batch_alter_table("consent_signatures", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_consent_signatures_partner_id"))
        batch_op.drop_index(batch_op.f("ix_consent_signatures_case_id"))
    op.drop_table("consent_signatures")
    op.drop_table("intake_forms")
    op.drop_table("consent_documents")
