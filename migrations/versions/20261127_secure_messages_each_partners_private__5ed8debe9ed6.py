"""secure messages: each partner's private thread with the counsellor, and the joint one

Revision ID: 5ed8debe9ed6
Revises: 141a82e85bfd
Create Date: 2026-11-27 10:00:00

A case has up to three threads (``slot``: "a", "b", "joint"), each made with its
first message. A message's text is encrypted at rest like a note's; once sent,
a message is kept as it was, in the database as in the app: triggers refuse to
delete one or to change anything of it but, once, its being added to the case
record. ``message_reads`` keeps how far each reader has read each thread.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "5ed8debe9ed6"
down_revision = "141a82e85bfd"
branch_labels = None
depends_on = None

# Kept in step with practice/messages/locks.py (a test compares them). Key rotation and
# the test suite's clean-up lift them within one transaction.
SQLITE_TRIGGERS = {
    "messages_no_update": """
        CREATE TRIGGER messages_no_update BEFORE UPDATE ON messages
        WHEN NEW.id IS NOT OLD.id OR NEW.thread_id IS NOT OLD.thread_id
          OR NEW.case_id IS NOT OLD.case_id OR NEW.author_id IS NOT OLD.author_id
          OR NEW.partner_id IS NOT OLD.partner_id OR NEW.body IS NOT OLD.body
          OR NEW.sent_at IS NOT OLD.sent_at OR NEW.form_token IS NOT OLD.form_token
          OR (OLD.recorded_at IS NOT NULL AND (NEW.recorded_at IS NOT OLD.recorded_at
              OR NEW.recorded_by_id IS NOT OLD.recorded_by_id))
        BEGIN SELECT RAISE(ABORT, 'a sent message cannot be changed'); END""",
    "messages_no_delete": """
        CREATE TRIGGER messages_no_delete BEFORE DELETE ON messages
        BEGIN SELECT RAISE(ABORT, 'messages are kept for good'); END""",
}

POSTGRES_FUNCTION = """
    CREATE OR REPLACE FUNCTION mend_refuse_message_change() RETURNS trigger AS $$
    BEGIN
        IF TG_OP = 'DELETE' THEN
            RAISE EXCEPTION 'messages are kept for good (message %)', OLD.id;
        END IF;
        IF NEW.id IS DISTINCT FROM OLD.id OR NEW.thread_id IS DISTINCT FROM OLD.thread_id
           OR NEW.case_id IS DISTINCT FROM OLD.case_id
           OR NEW.author_id IS DISTINCT FROM OLD.author_id
           OR NEW.partner_id IS DISTINCT FROM OLD.partner_id
           OR NEW.body IS DISTINCT FROM OLD.body OR NEW.sent_at IS DISTINCT FROM OLD.sent_at
           OR NEW.form_token IS DISTINCT FROM OLD.form_token
           OR (OLD.recorded_at IS NOT NULL
               AND (NEW.recorded_at IS DISTINCT FROM OLD.recorded_at
                    OR NEW.recorded_by_id IS DISTINCT FROM OLD.recorded_by_id)) THEN
            RAISE EXCEPTION 'a sent message cannot be changed (message %)', OLD.id;
        END IF;
        RETURN NEW;
    END $$ LANGUAGE plpgsql"""


def upgrade():
    op.create_table(
        "message_threads",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("slot", sa.String(length=5), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_message_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_message_threads_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partners.id"], name=op.f("fk_message_threads_partner_id_partners")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_message_threads")),
        sa.UniqueConstraint("case_id", "slot", name=op.f("uq_message_threads_case_id")),
    )
    with op.batch_alter_table("message_threads", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_message_threads_last_message_at"), ["last_message_at"], unique=False
        )

    op.create_table(
        "message_reads",
        sa.Column("thread_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("last_read_id", sa.Integer(), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["thread_id"],
            ["message_threads.id"],
            name=op.f("fk_message_reads_thread_id_message_threads"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_message_reads_user_id_users")
        ),
        sa.PrimaryKeyConstraint("thread_id", "user_id", name=op.f("pk_message_reads")),
    )
    with op.batch_alter_table("message_reads", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_message_reads_user_id"), ["user_id"], unique=False)

    op.create_table(
        "messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("thread_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("form_token", sa.String(length=64), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["author_id"], ["users.id"], name=op.f("fk_messages_author_id_users")
        ),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_messages_case_id_cases")),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partners.id"], name=op.f("fk_messages_partner_id_partners")
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["users.id"], name=op.f("fk_messages_recorded_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["thread_id"],
            ["message_threads.id"],
            name=op.f("fk_messages_thread_id_message_threads"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_messages")),
        sa.UniqueConstraint("form_token", name=op.f("uq_messages_form_token")),
    )
    # Plain CREATE INDEX, not a batch: a batch copy of the table would lose its triggers.
    op.create_index(op.f("ix_messages_case_id"), "messages", ["case_id"], unique=False)
    op.create_index("ix_messages_thread_id_id", "messages", ["thread_id", "id"], unique=False)
    create_lock_triggers()


def create_lock_triggers():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(POSTGRES_FUNCTION)
        op.execute(
            "CREATE TRIGGER messages_lock BEFORE UPDATE OR DELETE ON messages "
            "FOR EACH ROW EXECUTE FUNCTION mend_refuse_message_change()"
        )
    else:
        for sql in SQLITE_TRIGGERS.values():
            op.execute(sql)


def drop_lock_triggers():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS messages_lock ON messages")
        op.execute("DROP FUNCTION IF EXISTS mend_refuse_message_change()")
    else:
        for name in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")


def downgrade():
    drop_lock_triggers()
    op.drop_index("ix_messages_thread_id_id", table_name="messages")
    op.drop_index(op.f("ix_messages_case_id"), table_name="messages")
    op.drop_table("messages")
    with op.batch_alter_table("message_reads", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_message_reads_user_id"))
    op.drop_table("message_reads")
    with op.batch_alter_table("message_threads", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_message_threads_last_message_at"))
    op.drop_table("message_threads")
