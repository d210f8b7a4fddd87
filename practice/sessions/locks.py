"""The database triggers that keep signed notes and addenda unchanged.

They are created by the migration that made the tables (which keeps its own
copy of this SQL, as migrations must; a test checks the two agree). Two
writers may pass them, each inside one transaction: re-encrypting under a new
key (``flask --app wsgi rotate-keys``) and the test suite's clean-up.
"""

from practice.locks import Lock, Locks

LOCKS = Locks(
    Lock("notes", "signed notes", once="signed_at", name="notes_signed"),
    Lock("addenda", "addenda"),
)
