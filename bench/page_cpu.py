"""bench/page_cpu.py: what one page costs in CPU time, on a machine busy with other work.

``bench/run`` times pages by the clock under gunicorn and wrk, which is what a
practice feels, but on a shared machine the clock mostly measures the queue for
the CPU. This asks for a page many times in process (Flask's test client,
production settings, the large practice ``bench/run`` builds) and adds up the
CPU time the request really used: this process's own (``time.process_time``)
and, on PostgreSQL, that of the server process answering its connection (read
from ``/proc/<pid>/stat``, so the server must be on this machine). Two versions
of the code compared this way on one machine at one time differ by what they
do, not by what else was running.

    .venv/bin/python bench/page_cpu.py [--databases sqlite,postgresql] [--page dashboard]
                                       [--requests 60]

The practice must exist (run ``bench/run`` once first). Prints, per database,
the median and 95th percentile of CPU milliseconds per request, and the
statements per request.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

from bench.generate import PASSWORD  # noqa: E402
from bench.runner import bench_config, choose, csrf, database_url, exists  # noqa: E402

#: Pages by name, as counsellor 01 asks for them (``choose`` picks the case).
PAGES = {
    "dashboard": lambda chosen: "/dashboard",
    "case": lambda chosen: f"/cases/{chosen['case_id']}",
    "progress": lambda chosen: f"/cases/{chosen['case_id']}/progress",
}
TICKS = os.sysconf("SC_CLK_TCK")


def backend_cpu_seconds(pid: int) -> float:
    """User and system CPU time so far of the database server process ``pid``."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime, stime


def measure(kind: str, page: str, requests: int) -> dict:
    from practice import create_app
    from practice.extensions import db

    url = database_url(kind, 2026, 1.0)
    if not exists(url):
        raise SystemExit(f"No large practice in {kind}: run bench/run --databases {kind} first.")
    app = create_app(bench_config(url))
    chosen = choose(app)
    path = PAGES[page](chosen)
    browser = app.test_client()
    login = {"csrf_token": csrf(browser.get("/login").get_data(as_text=True))}
    login |= {"email": chosen["counsellor"], "password": PASSWORD}
    assert browser.post("/login", data=login).status_code == 302

    statements = []
    with app.app_context():
        engine = db.engine
        # One connection, so that one server process answers every statement.
        engine.pool.dispose()
        engine.pool = engine.pool.recreate()

    def count(conn, cursor, statement, *rest):
        if not statement.lstrip().upper().startswith(("BEGIN", "COMMIT", "ROLLBACK")):
            statements.append(statement)

    sa.event.listen(engine, "before_cursor_execute", count)
    backend = None
    cpu, counts = [], []
    for n in range(requests + 5):  # the first five warm the caches and are not counted
        statements.clear()
        start_app = time.process_time()
        start_db = backend_cpu_seconds(backend) if backend else 0.0
        response = browser.get(path)
        assert response.status_code == 200, response.status_code
        used = time.process_time() - start_app
        if kind == "postgresql":
            if backend is None:
                with app.app_context():
                    backend = db.session.scalar(sa.text("SELECT pg_backend_pid()"))
                continue
            used += backend_cpu_seconds(backend) - start_db
        if n >= 5:
            cpu.append(used * 1000)
            counts.append(len(statements))
    cpu.sort()
    return {
        "median": statistics.median(cpu),
        "p95": cpu[max(0, round(0.95 * len(cpu)) - 1)],
        "statements": max(counts),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--page", default="dashboard", choices=sorted(PAGES))
    parser.add_argument("--requests", type=int, default=60)
    args = parser.parse_args()
    for kind in args.databases.split(","):
        found = measure(kind, args.page, args.requests)
        print(
            f"{args.page} on {kind}: CPU per request median {found['median']:.1f} ms, "
            f"p95 {found['p95']:.1f} ms over {args.requests} requests; "
            f"{found['statements']} statements"
        )


if __name__ == "__main__":
    main()
