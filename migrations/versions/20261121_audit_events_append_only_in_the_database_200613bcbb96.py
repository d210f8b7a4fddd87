"""audit events append-only in the database

Revision ID: 200613bcbb96
Revises: 341c05f7b736
Create Date: 2026-11-21 14:50:00

The audit trail was append-only in the app; these triggers make it so for
hand-written SQL too. practice/audit/locks.py holds the same SQL for the test
suite's clean-up; tests/test_audit_lock.py checks the two agree.
"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "200613bcbb96"
down_revision = "341c05f7b736"
branch_labels = None
depends_on = None

SQLITE_TRIGGERS = {
    "audit_events_no_update": """
        CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
        BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END""",
    "audit_events_no_delete": """
        CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
        BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END""",
}

POSTGRES_FUNCTION = """
    CREATE OR REPLACE FUNCTION mend_refuse_audit_change() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION 'audit events are append-only (%)', TG_OP;
    END $$ LANGUAGE plpgsql"""


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(POSTGRES_FUNCTION)
        op.execute(
            "CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events "
            "FOR EACH ROW EXECUTE FUNCTION mend_refuse_audit_change()"
        )
    else:
        for sql in SQLITE_TRIGGERS.values():
            op.execute(sql)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_events_append_only ON audit_events")
        op.execute("DROP FUNCTION IF EXISTS mend_refuse_audit_change()")
    else:
        for name in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
