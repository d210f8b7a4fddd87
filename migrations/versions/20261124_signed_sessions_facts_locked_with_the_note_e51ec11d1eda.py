"""signed sessions: a session's facts are locked with its signed note, corrected by addenda

Revision ID: e51ec11d1eda
Revises: 6f0309f51337
Create Date: 2026-11-24 15:30:00

Once a session's note is signed, the session's start, end, status, the partners it
was with and those who came are locked as the note is: a trigger refuses any
change to them unless, in the same statement, the session names as its
``correction_id`` a new addendum of its own note (which carries the old and new
values in ``addenda.corrections``, under its signature). A note signed from now
on keeps the facts it was signed with in ``notes.session_facts``, covered by its
hash; notes signed before keep their hash as it was (it never covered them), and
their sessions are locked all the same.

Adding the two JSON columns to ``notes`` and ``addenda`` is a plain ADD COLUMN on
both databases, so their own lock triggers stay as they are.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "e51ec11d1eda"
down_revision = "6f0309f51337"
branch_labels = None
depends_on = None

FACTS = ("starts_at", "ends_at", "status", "attendees", "invitees")

# The correction must be an addendum to this very session's note.
_OWN_ADDENDUM = """
    SELECT 1 FROM addenda JOIN notes ON notes.id = addenda.note_id
    WHERE addenda.id = NEW.correction_id AND notes.session_id = OLD.id"""

SQLITE_TRIGGER = f"""
    CREATE TRIGGER sessions_signed_facts BEFORE UPDATE ON sessions
    WHEN EXISTS (SELECT 1 FROM notes WHERE notes.session_id = OLD.id AND notes.signed_at IS NOT NULL)
     AND ({" OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in FACTS)})
     AND (NEW.correction_id IS OLD.correction_id OR NOT EXISTS ({_OWN_ADDENDUM}))
    BEGIN SELECT RAISE(ABORT, 'a signed session''s facts are corrected by an addendum'); END"""  # noqa: S608 - constant names

# JSON has no equality in PostgreSQL: the lists are compared as text.
_PG_CHANGED = " OR ".join(
    f"NEW.{c}::text IS DISTINCT FROM OLD.{c}::text"
    if c in ("attendees", "invitees")
    else f"NEW.{c} IS DISTINCT FROM OLD.{c}"
    for c in FACTS
)
POSTGRES_FUNCTION = f"""
    CREATE OR REPLACE FUNCTION mend_refuse_signed_session_change() RETURNS trigger AS $$
    BEGIN
        IF EXISTS (SELECT 1 FROM notes WHERE notes.session_id = OLD.id AND notes.signed_at IS NOT NULL)
           AND ({_PG_CHANGED})
           AND (NEW.correction_id IS NOT DISTINCT FROM OLD.correction_id
                OR NOT EXISTS ({_OWN_ADDENDUM})) THEN
            RAISE EXCEPTION 'a signed session''s facts are corrected by an addendum (session %)', OLD.id;
        END IF;
        RETURN NEW;
    END $$ LANGUAGE plpgsql"""  # noqa: S608 - constant names


def upgrade():
    op.add_column("notes", sa.Column("session_facts", sa.JSON(), nullable=True))
    op.add_column("addenda", sa.Column("corrections", sa.JSON(), nullable=True))
    # Not a foreign key (see Session.correction_id): the trigger checks what it names.
    op.add_column("sessions", sa.Column("correction_id", sa.Integer(), nullable=True))
    if op.get_bind().dialect.name == "postgresql":
        op.execute(POSTGRES_FUNCTION)
        op.execute(
            "CREATE TRIGGER sessions_signed_facts BEFORE UPDATE ON sessions "
            "FOR EACH ROW EXECUTE FUNCTION mend_refuse_signed_session_change()"
        )
    else:
        op.execute(SQLITE_TRIGGER)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS sessions_signed_facts ON sessions")
        op.execute("DROP FUNCTION IF EXISTS mend_refuse_signed_session_change()")
    else:
        op.execute("DROP TRIGGER IF EXISTS sessions_signed_facts")
    # Plain DROP COLUMN (SQLite 3.35 and later): a batch copy of these two tables would
    # drop their lock triggers with them.
    op.execute("ALTER TABLE sessions DROP COLUMN correction_id")
    op.execute("ALTER TABLE addenda DROP COLUMN corrections")
    op.execute("ALTER TABLE notes DROP COLUMN session_facts")
