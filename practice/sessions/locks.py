"""The database triggers that keep signed notes and addenda unchanged.

They are created by the migration that made the tables (which keeps its own
copy of this SQL, as migrations must; a test checks the two agree). Two
writers may pass them, each inside one transaction: re-encrypting under a new
key (``flask --app wsgi rotate-keys``) and the test suite's clean-up.
"""

from contextlib import contextmanager

import sqlalchemy as sa

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


@contextmanager
def locks_lifted(connection: sa.Connection):
    """Within the caller's transaction, let signed rows be written; restore on the way out."""
    if connection.dialect.name == "postgresql":
        for trigger in POSTGRES_TRIGGERS:
            name, table = trigger.split(" ON ")
            connection.exec_driver_sql(f"ALTER TABLE {table} DISABLE TRIGGER {name}")
        try:
            yield
        finally:
            for trigger in POSTGRES_TRIGGERS:
                name, table = trigger.split(" ON ")
                connection.exec_driver_sql(f"ALTER TABLE {table} ENABLE TRIGGER {name}")
    else:
        for name in SQLITE_TRIGGERS:
            connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")
        try:
            yield
        finally:
            for sql in SQLITE_TRIGGERS.values():
                connection.exec_driver_sql(sql)
