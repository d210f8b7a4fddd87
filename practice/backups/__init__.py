"""Backups: a consistent copy of the database while Mend serves, and restoring one.

``flask --app wsgi backup PATH`` and ``flask --app wsgi restore PATH`` (see
:mod:`practice.backups.commands`). SQLite is copied with its online backup
API (:mod:`.sqlite`), PostgreSQL with ``pg_dump`` (:mod:`.postgres`). Clinical
text stays encrypted in the copy: it is readable only with ``MEND_NOTES_KEYS``.
"""


class BackupError(Exception):
    """A backup or restore could not be done; the message says why and what to do."""
