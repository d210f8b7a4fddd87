"""Many people writing at once, and a worker killed in the middle: nothing acknowledged is lost.

The app runs under gunicorn with three workers on a database of its own (SQLite
in WAL mode, or PostgreSQL when ``TEST_DATABASE_URL`` names it). Twelve clients
record homework entries and check-ins while two counsellors sign notes; some
forms go twice at once. Afterwards every write the server acknowledged is in
the database exactly once, the server never answered 500, and its log never
says "database is locked". The figures of each run go to ``build/reliability-*.json``.

Each test gives a fixed amount of work, or works until what it checks is done,
however long the machine takes: time limits here only stop a hang. How many
writes a second the server acknowledges is measured by bench/reliability.py.
"""

import time

import pytest
import sqlalchemy as sa

from practice.backups.integrity import integrity_problems
from practice.extensions import db
from practice.sessions.models import Note
from tests.live import kill_mid_write, wait_until_up, worker_pids
from tests.live_practice import WORKERS
from tests.load import check_everything_acknowledged_is_saved, check_server_log, run_load
from tests.reliability import record_figures

pytestmark = pytest.mark.reliability

#: Seconds a test's load may take at most: a guard against a hang, never a measure.
GUARD = 300
MOST = 14  # writes per person
KILLS = 3
#: Writes acknowledged before the first kill, and again after the last.
SETTLED = 10


def _wait_for_replacement(live_practice, pid: int, until: float) -> None:
    """Wait for gunicorn's master to notice the death and start a new worker."""
    while time.monotonic() < until:
        now = worker_pids(live_practice.server)
        if len(now) == WORKERS and pid not in now:
            return
        time.sleep(0.05)
    raise AssertionError(f"worker {pid} was not replaced")


def _wait_for(done, until: float) -> None:
    """Wait until ``done()`` (or the guard's end)."""
    while not done() and time.monotonic() < until:
        time.sleep(0.05)


def test_concurrent_writers_lose_nothing_and_double_submissions_make_one_record(live_practice):
    tally = run_load(live_practice, GUARD, MOST)

    assert not tally.problems, tally.problems[:10]
    assert 500 not in tally.statuses
    assert tally.doubles >= 10, "too few double submissions were tried"
    counts = check_everything_acknowledged_is_saved(live_practice, tally)
    # No worker died here, so everything sent was acknowledged.
    assert len(tally.entries_acked) == len(tally.entries_sent) > 20
    # One check-in per partner per session window: each client's first; later tries
    # find the page saying it is done (tests/load.py) and send nothing.
    assert len(tally.check_ins_acked) == len(tally.check_ins_sent) > 5
    assert len(tally.notes_acked) == len(tally.notes_sent) > 4
    check_server_log(live_practice)
    record_figures(
        live_practice.app,
        "concurrent_writers",
        {
            "clients": len(live_practice.clients),
            "counsellors": len(live_practice.counsellors),
            "workers": WORKERS,
            "acknowledged": tally.acknowledged,
            "found": {kind: found for kind, (_, found) in counts.items()},
            "double_submissions": tally.doubles,
            "statuses": dict(tally.statuses),
        },
    )


def test_a_killed_worker_loses_nothing_acknowledged(live_practice):
    kills, after = [], {}

    def kill_workers(tally, until):
        """Once the clients are under way, three times SIGKILL a worker in the middle of a
        write transaction; then let everyone carry on until ten more writes are
        acknowledged, and stop them.

        The steps wait on what has happened, not on the clock: on a machine slowed by
        other work, the replacement workers take longer to start and the writes after
        the last kill come later, and the clients keep writing until they do."""
        try:
            _wait_for(lambda: tally.acknowledged >= SETTLED, until)
            while time.monotonic() < until and len(kills) < KILLS:
                pid = kill_mid_write(live_practice.server, live_practice.url, 5)
                if pid is None:
                    continue
                kills.append(pid)
                _wait_for_replacement(live_practice, pid, until)
                time.sleep(0.5)
            # The replacements take a moment to start; then writes are acknowledged again.
            acknowledged = tally.acknowledged
            _wait_for(lambda: tally.acknowledged >= acknowledged + SETTLED, until)
            after["acknowledged"] = tally.acknowledged - acknowledged
        finally:
            tally.enough.set()

    tally = run_load(live_practice, GUARD, None, during=kill_workers)

    assert len(kills) == KILLS
    # Each killed worker dropped the request it was serving; its sender sent it again.
    assert tally.cut >= len(kills)
    assert after["acknowledged"] > 0, "nothing was saved after the last kill"
    assert wait_until_up(live_practice.base), "the app stopped answering"
    assert not tally.problems, tally.problems[:10]
    assert 500 not in tally.statuses
    counts = check_everything_acknowledged_is_saved(live_practice, tally)
    assert tally.acknowledged >= 20
    with live_practice.app.app_context(), db.engine.connect() as conn:
        assert integrity_problems(conn) == []
        notes = db.session.scalars(sa.select(Note).where(Note.signed_at.is_not(None))).all()
        assert notes
        assert all(note.intact for note in notes)
    check_server_log(live_practice)
    record_figures(
        live_practice.app,
        "killed_workers",
        {
            "workers_killed_mid_write": len(kills),
            "requests_cut": tally.cut,
            "acknowledged_after_the_last_kill": after["acknowledged"],
            "forms_cut_and_sent_again": tally.cut_posts,
            "acknowledged": tally.acknowledged,
            "found": {kind: found for kind, (_, found) in counts.items()},
            "integrity": "ok",
            "signed_notes_intact": len(notes),
        },
    )
