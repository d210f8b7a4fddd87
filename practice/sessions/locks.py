"""The database triggers that keep signed notes and addenda unchanged.

They are created by the migration that made the tables (which keeps its own
copy of this SQL, as migrations must; a test checks the two agree). Two
writers may pass them, each inside one transaction: re-encrypting under a new
key (``flask --app wsgi rotate-keys``) and the test suite's clean-up.
"""

import sqlalchemy as sa

from practice.database import triggers_lifted

SQLITE_TRIGGERS = {
    "notes_signed_no_update": """
        CREATE TRIGGER notes_signed_no_update BEFORE UPDATE ON notes
        WHEN OLD.signed_at IS NOT NULL
        BEGIN SELECT RAISE(ABORT, 'signed notes cannot be changed'); END""",
    "notes_signed_no_delete": """
        CREATE TRIGGER notes_signed_no_delete BEFORE DELETE ON notes
        WHEN OLD.signed_at IS NOT NULL
        BEGIN SELECT RAISE(ABORT, 'signed notes are kept for good'); END""",
    "addenda_no_update": """
        CREATE TRIGGER addenda_no_update BEFORE UPDATE ON addenda
        BEGIN SELECT RAISE(ABORT, 'addenda cannot be changed'); END""",
    "addenda_no_delete": """
        CREATE TRIGGER addenda_no_delete BEFORE DELETE ON addenda
        BEGIN SELECT RAISE(ABORT, 'addenda are kept for good'); END""",
}
POSTGRES_TRIGGERS = ("notes_lock ON notes", "addenda_lock ON addenda")


def locks_lifted(connection: sa.Connection):
    """Within the caller's transaction, let signed rows be written; restore on the way out."""
    return triggers_lifted(connection, sqlite=SQLITE_TRIGGERS, postgres=list(POSTGRES_TRIGGERS))
