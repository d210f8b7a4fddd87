"""Copying a SQLite database with SQLite's own online backup API.

The copy is made in one step, inside one read transaction, so it is the
database as it stood at one moment; in WAL mode readers never stop writers,
so the app goes on saving while it is made.
"""

import sqlite3
from pathlib import Path

from practice.backups import BackupError


def backup(database: Path, into: Path, busy_timeout_ms: int) -> None:
    """Copy the live database file ``database`` into the new file ``into``."""
    if not database.exists():
        raise BackupError(f"there is no database at {database}")
    source = sqlite3.connect(database)
    try:
        source.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        copy = sqlite3.connect(into)
        try:
            source.backup(copy)  # all pages in one step: one moment
            # One self-contained file, with no -wal or -shm beside it.
            copy.execute("PRAGMA journal_mode=DELETE")
        finally:
            copy.close()
    finally:
        source.close()


def restore(backup_file: Path, database: Path, busy_timeout_ms: int) -> None:
    """Replace the contents of ``database`` with the copy in ``backup_file``, in one go."""
    source = open_backup(backup_file)
    try:
        database.parent.mkdir(parents=True, exist_ok=True)
        target = sqlite3.connect(database)
        try:
            target.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
            source.backup(target)
        finally:
            target.close()
    finally:
        source.close()


def open_backup(backup_file: Path) -> sqlite3.Connection:
    """The backup, opened read-only, once it is known to be a whole copy of a Mend database."""
    conn = sqlite3.connect(f"{backup_file.resolve().as_uri()}?mode=ro", uri=True)
    try:
        checked = conn.execute("PRAGMA integrity_check").fetchall()
        conn.execute("SELECT version_num FROM alembic_version").fetchall()
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise BackupError(
            f"{backup_file} is not a backup of a Mend SQLite database ({exc})"
        ) from exc
    if checked != [("ok",)]:
        conn.close()
        raise BackupError(f"{backup_file} is damaged: {checked[0][0]}")
    return conn
