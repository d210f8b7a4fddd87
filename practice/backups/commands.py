"""``flask --app wsgi backup PATH`` and ``flask --app wsgi restore PATH``."""

import time
from pathlib import Path

import click
import sqlalchemy as sa
from flask import current_app

from practice.backups import BackupError, postgres, sqlite
from practice.backups.integrity import integrity_problems, row_counts
from practice.backups.readable import unreadable_columns
from practice.extensions import db

KEYS_WARNING = (
    "The copy's clinical text is encrypted: it can only be read with MEND_NOTES_KEYS. "
    "Keep the keys safe too, but not in the same place as the backups."
)

BACKUP_HELP = f"""Copy the database to PATH while Mend keeps serving.

SQLite: PATH becomes a SQLite file, copied in one step with SQLite's online
backup API (the database as it stood at one moment; writers are not stopped),
then integrity-checked. PostgreSQL: PATH is a pg_dump archive in custom format
(`pg_restore --list PATH` lists it), also one consistent snapshot. pg_dump's
major version must be the server's or newer; Mend uses one on PATH or under
/usr/lib/postgresql/*/bin.

The copy is written beside PATH and renamed into place when it is whole, so a
failed backup never leaves half a file under PATH.

{KEYS_WARNING}
"""

RESTORE_HELP = """Restore a backup made by `backup` into this instance's database.

Stop Mend first. The database (DATABASE_URL, or the SQLite file in the
instance folder) must be empty, or only migrated: restoring over one that
holds data is refused unless --force is given, which replaces everything in
it. The restored database is checked (integrity, every foreign key, and that
its clinical text reads with MEND_NOTES_KEYS: set the keys that were in use
when the backup was made). If the backup is from an older version of Mend,
run `flask --app wsgi db upgrade` afterwards.
"""


@click.command("backup", help=BACKUP_HELP)
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace PATH if it already exists.")
def backup_command(path: Path, force: bool) -> None:
    if path.exists() and not force:
        raise click.ClickException(f"{path} already exists; name another file, or add --force.")
    url = db.engine.url
    partial = path.with_name(f".{path.name}.partial")
    started = time.monotonic()
    try:
        if url.get_backend_name() == "sqlite":
            sqlite.backup(Path(url.database), partial, current_app.config["SQLITE_BUSY_TIMEOUT_MS"])
            summary = _check_copy(partial)
        else:
            postgres.backup(url, partial, _server_major())
            summary = "a pg_dump archive"
        partial.replace(path)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    finally:
        partial.unlink(missing_ok=True)
    took = time.monotonic() - started
    click.echo(f"Backed up to {path}: {_size(path)}, {summary}, in {took:.1f} s.")
    click.echo(KEYS_WARNING)


@click.command("restore", help=RESTORE_HELP)
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace a database that already holds data.")
def restore_command(path: Path, force: bool) -> None:
    url = db.engine.url
    with db.engine.connect() as conn:
        holding = [table for table, n in row_counts(conn).items() if n]
    if holding and not force:
        raise click.ClickException(
            f"The database {url.render_as_string()} already holds data "
            f"({len(holding)} tables have rows, among them {', '.join(holding[:3])}). "
            "Restoring would replace all of it. Restore into an empty database, "
            "or stop Mend and add --force to replace it."
        )
    started = time.monotonic()
    try:
        if url.get_backend_name() == "sqlite":
            db.engine.dispose()  # nothing of ours holds the file while it is replaced
            sqlite.restore(path, Path(url.database), current_app.config["SQLITE_BUSY_TIMEOUT_MS"])
        else:
            postgres.restore(path, url, _server_major())
    except BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    took = time.monotonic() - started
    db.engine.dispose()
    with db.engine.connect() as conn:
        problems = integrity_problems(conn)
        counts = row_counts(conn)
        revision = conn.scalar(sa.text("SELECT version_num FROM alembic_version"))
        unreadable = unreadable_columns(conn)
    click.echo(
        f"Restored {path} ({_size(path)}) in {took:.1f} s: "
        f"{sum(counts.values()):,} rows in {len(counts)} tables, schema revision {revision}."
    )
    if problems:
        raise click.ClickException("The restored database has problems: " + "; ".join(problems))
    if unreadable:
        raise click.ClickException(
            "Restored, but its clinical text cannot be read with MEND_NOTES_KEYS "
            f"({', '.join(unreadable)}). Set the keys that were in use when the backup was made."
        )
    click.echo("Integrity and foreign keys checked; clinical text reads with MEND_NOTES_KEYS.")
    click.echo("If the backup comes from an older Mend, run `flask --app wsgi db upgrade` now.")


def _check_copy(copy: Path) -> str:
    """Check a fresh SQLite copy; a few words on what it holds."""
    engine = sa.create_engine(f"sqlite:///{copy}")
    try:
        with engine.connect() as conn:
            if problems := integrity_problems(conn):
                raise BackupError("the copy failed its checks: " + "; ".join(problems))
            counts = row_counts(conn)
    finally:
        engine.dispose()
    return f"{sum(counts.values()):,} rows in {len(counts)} tables, integrity checked"


def _server_major() -> int:
    with db.engine.connect() as conn:
        return int(conn.scalar(sa.text("SHOW server_version_num"))) // 10000


def _size(path: Path) -> str:
    return f"{path.stat().st_size / 1_000_000:.1f} MB"
