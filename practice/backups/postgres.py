"""Copying a PostgreSQL database with ``pg_dump``, and restoring it with ``pg_restore``.

``pg_dump`` reads the whole database in one snapshot while the app goes on
writing. Its major version must be the server's or newer (an older one
refuses); Debian installs each version under ``/usr/lib/postgresql/N/bin``, so
those are looked in as well as ``PATH``.
"""

import os
import re
import shutil
import subprocess
from glob import glob
from pathlib import Path

import sqlalchemy as sa

from practice.backups import BackupError

TOOLS_GLOB = "/usr/lib/postgresql/*/bin/{name}"


def backup(url: sa.URL, into: Path, server_major: int) -> None:
    """``pg_dump`` the database at ``url`` into ``into`` (custom format)."""
    _run(
        [
            pg_tool("pg_dump", server_major),
            "--format=custom",
            "--file",
            str(into),
            "--dbname",
            _conninfo(url),
        ],
        url,
    )


def restore(backup_file: Path, url: sa.URL, server_major: int) -> None:
    """Load ``backup_file`` into the database at ``url``, in one transaction.

    Whatever the archive holds is dropped first if it exists (``--clean``), so a
    database already migrated but empty takes it as well as a new one does.
    """
    pg_restore = pg_tool("pg_restore", server_major)
    check = subprocess.run(  # noqa: S603 - a fixed tool and a path, no shell
        [pg_restore, "--list", str(backup_file)], capture_output=True, text=True, check=False
    )
    if check.returncode:
        raise BackupError(f"{backup_file} is not a pg_dump archive: {check.stderr.strip()}")
    _run(
        [
            pg_restore,
            "--dbname",
            _conninfo(url),
            "--single-transaction",
            "--exit-on-error",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            str(backup_file),
        ],
        url,
    )


def pg_tool(name: str, server_major: int) -> str:
    """The path of ``name`` (pg_dump, pg_restore) that fits a server of ``server_major``:
    the same major version if there is one, else the oldest newer one."""
    found = {}
    for tool in [shutil.which(name), *sorted(glob(TOOLS_GLOB.format(name=name)))]:
        if tool and (major := _major_version(tool)) is not None:
            found.setdefault(major, tool)
    fitting = sorted(major for major in found if major >= server_major)
    if not fitting:
        have = ", ".join(f"{tool} ({major})" for major, tool in sorted(found.items())) or "none"
        raise BackupError(
            f"{name} of PostgreSQL {server_major} or newer is needed (found: {have}). "
            f"Install postgresql-client-{server_major}, or put its bin folder on PATH."
        )
    return found[fitting[0]]


def _major_version(tool: str) -> int | None:
    try:
        said = subprocess.run(  # noqa: S603 - a tool found on PATH or in /usr/lib/postgresql
            [tool, "--version"], capture_output=True, text=True, check=True, timeout=30
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    version = re.search(r"\) (\d+)", said)
    return int(version.group(1)) if version else None


def _conninfo(url: sa.URL) -> str:
    """The URL as libpq reads it; the password travels in the environment, not in ``ps``."""
    return url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)


def _run(args: list[str], url: sa.URL) -> None:
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    done = subprocess.run(args, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode:
        raise BackupError(f"{Path(args[0]).name} failed: {done.stderr.strip()}")
