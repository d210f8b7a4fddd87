"""``flask --app wsgi backup`` while clients write, and ``restore`` into an empty database.

The backup is taken in the middle of the load of tests/load.py, restored into a
fresh database and compared with the live one: the copy is the database at one
moment (every entry with its audit event, nothing half-written), everything it
holds is in the live database as it was, and its signed notes still verify. A
second backup, taken when all is quiet, restores over the first (``--force``)
and then matches the live database table for table.

The load waits on what has happened (writes before, during and after the
backup), not on the clock; how long the backup and the restore take is
measured by bench/reliability.py.
"""

import time

import pytest
import sqlalchemy as sa

from practice import create_app
from practice.audit.models import AuditEvent
from practice.backups.integrity import integrity_problems, row_counts
from practice.extensions import db
from practice.homework.models import HomeworkEntry
from practice.progress.models import CheckIn
from practice.sessions.models import Note
from tests.live import flask_command, fresh_database
from tests.live_practice import config_for
from tests.load import check_server_log, run_load
from tests.reliability import record_figures

pytestmark = pytest.mark.reliability

#: Tables the load writes to; the others must come back exactly as they were.
WRITTEN = {"homework_entries", "check_ins", "audit_events", "notes", "sessions"}
#: Seconds the load may take at most: a guard against a hang, never a measure.
GUARD = 300


def command(app, *args: str):
    """``flask --app wsgi *args`` run in this process, against ``app``'s database."""
    with app.app_context():
        return app.test_cli_runner().invoke(args=args)


def snapshot(app) -> dict:
    """What a database holds, read through the app: counts, entries, check-ins, signed notes."""
    with app.app_context():
        with db.engine.connect() as conn:
            counts = row_counts(conn)
            problems = integrity_problems(conn)
        entries = {
            e.id: (e.form_token, e.partner_id, e.answers)
            for e in db.session.scalars(sa.select(HomeworkEntry))
        }
        check_ins = {
            c.id: (c.form_token, c.partner_id, c.csi_total, c.blocks)
            for c in db.session.scalars(sa.select(CheckIn))
        }
        signed = {
            n.id: (n.body, n.content_hash, n.intact)
            for n in db.session.scalars(sa.select(Note).where(Note.signed_at.is_not(None)))
        }
        events = {
            action: set(
                db.session.scalars(
                    sa.select(AuditEvent.object_id).where(AuditEvent.action == action)
                )
            )
            for action in ("entry.create", "checkin.create", "note.sign")
        }
        db.session.remove()
    return {
        "counts": counts,
        "problems": problems,
        "entries": entries,
        "check_ins": check_ins,
        "signed": signed,
        "events": events,
    }


def restored_app(url: str):
    return create_app(config_for(url))


def test_a_backup_made_while_clients_write_restores_whole(live_practice, tmp_path):
    practice = live_practice
    suffix = "sqlite3" if practice.url.startswith("sqlite") else "dump"
    busy_copy, quiet_copy = tmp_path / f"busy.{suffix}", tmp_path / f"quiet.{suffix}"
    during = {}

    def back_up_midway(tally, until):
        """Once fifteen writes are acknowledged, back up; stop the clients once three more
        entries are acknowledged after the backup is made."""
        try:
            while tally.acknowledged < 15 and time.monotonic() < until:
                time.sleep(0.05)
            before = tally.acknowledged
            during["backup"] = flask_command(practice.env, "backup", str(busy_copy))
            during["written"] = tally.acknowledged - before
            entries = len(tally.entries_acked)
            while len(tally.entries_acked) < entries + 3 and time.monotonic() < until:
                time.sleep(0.05)
        finally:
            tally.enough.set()

    # A steady trickle of writes, leaving the machine room to run the backup.
    tally = run_load(
        practice, GUARD, None, during=back_up_midway, clients=3, counsellors=1, pause=0.2
    )
    made = during["backup"]
    assert made.returncode == 0, made.stderr
    assert "MEND_NOTES_KEYS" in made.stdout
    assert during["written"] > 0, "nobody wrote while the backup was made"
    assert not tally.problems, tally.problems[:10]
    check_server_log(practice)
    live = snapshot(practice.app)

    with fresh_database(tmp_path, "restored") as url:
        # The rest runs the commands in this process (a process apart from the server's
        # workers all the same), on the restored database.
        app = restored_app(url)
        restored_once = command(app, "restore", str(busy_copy))
        assert restored_once.exit_code == 0, restored_once.output
        copy = snapshot(app)
        _check_one_moment(copy, live)

        refused = command(app, "restore", str(busy_copy))
        assert refused.exit_code == 1
        assert "already holds data" in refused.output
        assert "--force" in refused.output

        quiet = command(practice.app, "backup", str(quiet_copy))
        assert quiet.exit_code == 0, quiet.output
        replaced = command(app, "restore", "--force", str(quiet_copy))
        assert replaced.exit_code == 0, replaced.output
        assert "clinical text reads with MEND_NOTES_KEYS" in replaced.output
        again = snapshot(app)
        with app.app_context():
            db.engine.dispose()
        assert again == live

    record_figures(
        practice.app,
        "backups",
        {
            "written_while_backing_up": during["written"],
            "backup_said": made.stdout.splitlines()[0],
            "backup_bytes": busy_copy.stat().st_size,
            "restore_said": replaced.output.splitlines()[0],
            "rows_restored": sum(again["counts"].values()),
            "tables_compared": len(again["counts"]),
            "signed_notes_verified": len(again["signed"]),
        },
    )


def _check_one_moment(copy: dict, live: dict) -> None:
    """The copy is the live database as it stood at one moment during the load."""
    assert copy["problems"] == []
    for table, n in live["counts"].items():
        if table in WRITTEN:
            assert copy["counts"][table] <= n, table
        else:
            assert copy["counts"][table] == n, table
    # Writes landed on both sides of the moment...
    assert 0 < len(copy["entries"]) < len(live["entries"])
    # ...and what the copy holds is as it was written, with its audit event, and nothing
    # half-made: each record and its event were committed together.
    for kind in ("entries", "check_ins"):
        assert all(live[kind][i] == record for i, record in copy[kind].items()), kind
    assert copy["events"]["entry.create"] == set(copy["entries"])
    assert copy["events"]["checkin.create"] == set(copy["check_ins"])
    assert copy["events"]["note.sign"] == set(copy["signed"])
    for note_id, (body, content_hash, intact) in copy["signed"].items():
        assert intact, f"signed note {note_id} no longer verifies"
        assert live["signed"][note_id] == (body, content_hash, intact)


def test_backup_and_restore_explain_themselves(runner):
    backup_help = " ".join(runner.invoke(args=["backup", "--help"]).output.split())
    restore_help = " ".join(runner.invoke(args=["restore", "--help"]).output.split())
    assert "online backup API" in backup_help
    assert "pg_dump" in backup_help
    assert "/usr/lib/postgresql/*/bin" in backup_help
    assert "MEND_NOTES_KEYS" in backup_help
    assert "--force" in restore_help
    assert "db upgrade" in restore_help
