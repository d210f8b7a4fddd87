"""The database triggers that keep signed notes and addenda unchanged.

They are created by the migration that made the tables (which keeps its own
copy of this SQL, as migrations must; a test checks the two agree). Two
writers may pass them, each inside one transaction: re-encrypting under a new
key (``flask --app wsgi rotate-keys``) and the test suite's clean-up.
"""

import sqlalchemy as sa

from practice.locks import Lock, postgres_triggers, sqlite_triggers, triggers_lifted

LOCKS = (
    Lock("notes", "signed notes", once="signed_at", name="notes_signed"),
    Lock("addenda", "addenda"),
)
SQLITE_TRIGGERS = sqlite_triggers(LOCKS)
POSTGRES_TRIGGERS = postgres_triggers(LOCKS)


def locks_lifted(connection: sa.Connection):
    """Within the caller's transaction, let signed rows be written; restore on the way out."""
    return triggers_lifted(connection, LOCKS)
