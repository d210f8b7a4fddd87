"""How fast the reliability tests' practice takes writes, and how long a backup takes.

    .venv/bin/python bench/reliability.py [--seconds 12] [--postgresql]

Serves the small practice of tests/test_concurrency.py (two counsellors, six
couples) with gunicorn and three workers on a database of its own (SQLite in a
temporary folder; with ``--postgresql``, a ``mend_rel_*`` database beside
``TEST_DATABASE_URL`` or the local server, dropped afterwards), then:

1. a dozen clients and two counsellors write at once for ``--seconds``: the
   writes acknowledged, and per second;
2. three clients and a counsellor write at a steady trickle while
   ``flask --app wsgi backup`` runs: how long the backup takes and how many
   writes were acknowledged while it ran; then how long ``restore`` takes
   into an empty database.

The tests check that nothing is lost or doubled whatever the machine's speed;
these are the figures that depend on it. docs/performance.md says what they
were on one machine.
"""

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from practice import create_app  # noqa: E402
from practice.extensions import db  # noqa: E402
from tests.live import flask_command, fresh_database  # noqa: E402
from tests.live_practice import WORKERS, config_for, served_practice  # noqa: E402
from tests.load import check_everything_acknowledged_is_saved, run_load  # noqa: E402

LOCAL_POSTGRES = "postgresql://postgres@127.0.0.1:5432/postgres"


def writes_per_second(practice, seconds: float) -> None:
    started = time.monotonic()
    tally = run_load(practice, seconds, None)
    took = time.monotonic() - started
    counts = check_everything_acknowledged_is_saved(practice, tally)
    people = len(practice.clients) + len(practice.counsellors)
    print(f"{people} people writing at once for {seconds:g} s, {WORKERS} workers:")
    print(
        f"  {tally.acknowledged} writes acknowledged, {tally.acknowledged / seconds:.1f} a second"
        f" (the run took {took:.1f} s with the logins and the last writes in flight)"
    )
    for kind, (acknowledged, found) in counts.items():
        print(f"  {kind}: {acknowledged} acknowledged, {found} found")
    print(f"  forms sent twice at once: {tally.doubles}; problems: {len(tally.problems)}")


def backup_and_restore(practice, tmp: Path) -> None:
    suffix = "sqlite3" if practice.url.startswith("sqlite") else "dump"
    copy = tmp / f"busy.{suffix}"
    during = {}

    def back_up(tally, until):
        try:
            while tally.acknowledged < 15 and time.monotonic() < until:
                time.sleep(0.05)
            before, started = tally.acknowledged, time.monotonic()
            during["made"] = flask_command(practice.env, "backup", str(copy), check=True)
            during["seconds"] = time.monotonic() - started
            during["written"] = tally.acknowledged - before
        finally:
            tally.enough.set()

    run_load(practice, 300, None, during=back_up, clients=3, counsellors=1, pause=0.2)
    print("Backup while three clients and a counsellor write:")
    print(f"  the command took {during['seconds']:.1f} s (a process of its own, start-up included)")
    print(f"  {during['written']} writes acknowledged while it ran")
    print(f"  it said: {during['made'].stdout.splitlines()[0]}")
    with fresh_database(tmp, "bench_restored") as url:
        app = create_app(config_for(url))
        with app.app_context():
            started = time.monotonic()
            restored = app.test_cli_runner().invoke(args=["restore", str(copy)])
            took = time.monotonic() - started
            db.engine.dispose()
    assert restored.exit_code == 0, restored.output
    print(f"Restore into an empty database: {took:.1f} s (in process)")
    print(f"  it said: {restored.output.splitlines()[0]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=12, help="of writing, for step 1")
    parser.add_argument("--postgresql", action="store_true", help="on PostgreSQL, not SQLite")
    args = parser.parse_args()
    if args.postgresql:
        os.environ.setdefault("TEST_DATABASE_URL", LOCAL_POSTGRES)
    else:
        os.environ.pop("TEST_DATABASE_URL", None)
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        for step in ("writers", "backup"):
            (tmp / step).mkdir()
        with (
            fresh_database(tmp / "writers", "bench_writers") as url,
            served_practice(url, tmp / "writers", "bench-writers") as practice,
        ):
            print(f"On {url.split(':')[0]}:")
            writes_per_second(practice, args.seconds)
        with (
            fresh_database(tmp / "backup", "bench_backup") as url,
            served_practice(url, tmp / "backup", "bench-backup") as practice,
        ):
            backup_and_restore(practice, tmp / "backup")


if __name__ == "__main__":
    main()
