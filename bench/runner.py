"""bench/run: Mend's key pages timed under gunicorn on a large practice.

    bench/run [--databases sqlite,postgresql] [--scale 1.0] [--seed 2026]
              [--duration 10] [--workers 4] [--fresh] [--markdown]

For each database: builds the large practice once (``bench/generate.py``; kept
in ``bench/data/`` or a PostgreSQL database named after the seed and scale, and
reused by later runs unless ``--fresh``), serves it with gunicorn as a practice
would (production settings, ``--workers`` as README.md documents), serves a bare
Flask "hello" the same way as the ceiling, and for each key page measures:

- SQL statements per request (in this process, on the same database);
- p50/p95 latency for one user, one request at a time (wrk -c1);
- throughput with 8 users at once (wrk -c8), and as a share of the ceiling;

then recording a homework entry (POST) the same two ways, checking every
acknowledged entry is in the database exactly once and no request failed; the PDF
reports' timings; and each worker's memory after the run. Figures go to
standard output and to ``build/bench-<database>.json``; ``--markdown`` prints
the tables for docs/performance.md.
"""

import argparse
import json
import math
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from http.cookiejar import CookieJar
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

from bench.generate import PASSWORD  # noqa: E402
from config import ProductionConfig, TestingConfig  # noqa: E402

PG_ADMIN = os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432")
SECRET_KEY = "bench-secret-key"  # noqa: S105 - a throwaway practice on loopback
# The generator encrypts notes and answers with the test suite's key.
NOTES_KEYS = TestingConfig.NOTES_KEYS
LUA = ROOT / "bench" / "wrk" / "report.lua"
TARGET_P95_MS = 50
TARGET_SHARE = 0.10
TARGET_QUERIES = 15
TARGET_RSS_MB = 200


@dataclass
class Page:
    name: str
    url: str
    who: str  # "counsellor" or "client"
    body: str | None = None  # a form body to POST ({token} becomes a fresh one)
    queries: int | None = None
    single: dict = field(default_factory=dict)
    concurrent: dict = field(default_factory=dict)
    share: float | None = None


# --- The practice ---------------------------------------------------------------


def database_url(kind: str, seed: int, scale: float) -> str:
    tag = f"s{seed}_x{round(scale * 1000)}"
    if kind == "sqlite":
        path = ROOT / "bench" / "data" / f"mend-bench-{tag}.db"
        return f"sqlite:///{path}"
    return f"{PG_ADMIN}/mend_bench_{tag}"


def exists(url: str) -> bool:
    """Whether the large practice is already there (a previous run built it)."""
    if url.startswith("sqlite"):
        path = Path(url.removeprefix("sqlite:///"))
        if not path.exists():
            return False
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return bool(conn.scalar(sa.text("SELECT count(*) FROM users")))
    except sa.exc.SQLAlchemyError:
        return False
    finally:
        engine.dispose()


def build(url: str, seed: int, scale: float, fresh: bool) -> None:
    """Generate the practice unless it is already there."""
    if not fresh and exists(url):
        print(f"Using the practice already in {redact(url)}; migrating it to head")
        from flask_migrate import upgrade

        from practice import create_app

        with create_app(bench_config(url)).app_context():
            upgrade(directory=str(ROOT / "migrations"))
        return
    if url.startswith("sqlite"):
        path = Path(url.removeprefix("sqlite:///"))
        path.parent.mkdir(parents=True, exist_ok=True)
        for stale in path.parent.glob(path.name + "*"):
            stale.unlink()
    else:
        name = url.rsplit("/", 1)[1]
        admin = sa.create_engine(f"{PG_ADMIN}/postgres", isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
    print(f"Building the practice in {redact(url)} (seed {seed}, scale {scale})", flush=True)
    env = os.environ | {"MEND_NOTES_KEYS": NOTES_KEYS}
    subprocess.run(
        [sys.executable, str(ROOT / "bench" / "generate.py"), "--database-url", url]
        + ["--seed", str(seed), "--scale", str(scale)],
        check=True,
        env=env,
    )


def redact(url: str) -> str:
    return sa.engine.make_url(url).render_as_string(hide_password=True)


def bench_config(url: str):
    """Production settings, on this database, with throwaway secrets."""
    return type(
        "BenchConfig",
        (ProductionConfig,),
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": SECRET_KEY,
            "NOTES_KEYS": NOTES_KEYS,
            # Plain http on loopback: the cookie must travel without TLS.
            "SESSION_COOKIE_SECURE": False,
            "HSTS": False,
        },
    )


def choose(app) -> dict:
    """What to ask for: counsellor 01's longest case, and a client with homework to do."""
    from practice.auth.models import User
    from practice.cases.models import Case, CaseStatus, Partner
    from practice.dates import practice_today
    from practice.extensions import db
    from practice.homework.models import Assignment, AssignmentStatus, ForWhom
    from practice.sessions.models import Session, SessionStatus

    with app.app_context():
        counsellor = db.session.scalar(sa.select(User).where(User.email.like("counsellor01@%")))
        attended = (
            sa.select(Session.case_id, sa.func.count().label("n"))
            .where(Session.status == SessionStatus.ATTENDED)
            .group_by(Session.case_id)
            .subquery()
        )
        case_id = db.session.scalar(
            sa.select(Case.id)
            .join(attended, attended.c.case_id == Case.id)
            .where(Case.counsellor_id == counsellor.id, Case.status == CaseStatus.ACTIVE)
            .order_by(attended.c.n.desc(), Case.id)
            .limit(1)
        )
        cases = db.session.scalar(
            sa.select(sa.func.count()).where(Case.counsellor_id == counsellor.id)
        )
        session_id = db.session.scalar(
            sa.select(Session.id)
            .where(Session.case_id == case_id, Session.status == SessionStatus.ATTENDED)
            .order_by(Session.starts_at.desc())
            .limit(1)
        )
        assignment_id = db.session.scalar(
            sa.select(Assignment.id).where(Assignment.case_id == case_id).limit(1)
        )
        today = practice_today()
        row = db.session.execute(
            sa.select(Partner, Assignment)
            .join(Case, Case.id == Partner.case_id)
            .join(Assignment, Assignment.case_id == Case.id)
            .where(
                Case.counsellor_id == counsellor.id,
                Case.status == CaseStatus.ACTIVE,
                Partner.user_id.is_not(None),
                Assignment.status == AssignmentStatus.ACTIVE,
                Assignment.starts_on <= today,
                sa.or_(Assignment.due_on.is_(None), Assignment.due_on >= today),
                sa.or_(
                    Assignment.for_whom.in_([ForWhom.EACH, ForWhom.TOGETHER]),
                    Assignment.for_whom == Partner.position,
                ),
            )
            .order_by(Case.id, Partner.id, Assignment.id)
            .limit(1)
        ).first()
        if row is None:
            sys.exit("The practice has no client with homework open today; rebuild it.")
        partner, homework = row
        client = db.session.get(User, partner.user_id)
        prompts = len(homework.exercise.prompts)
        return {
            "counsellor": counsellor.email,
            "client": client.email,
            "client_partner": partner.id,
            "case": case_id,
            "last_page": max(1, math.ceil(cases / app.config["PAGE_SIZE"])),
            "session": session_id,
            "assignment": assignment_id,
            "homework": homework.id,
            "prompts": prompts,
            "today": today.isoformat(),
        }


def key_pages(chosen: dict) -> list[Page]:
    case = chosen["case"]
    answers = "&".join(
        f"answers-{i}=" + urllib.parse.quote_plus("We did it after dinner and it helped.")
        for i in range(chosen["prompts"])
    )
    entry = (
        "csrf_token={csrf}&form_token={token}&done_on="
        + chosen["today"]
        + "&helpful=4&difficulty=2&"
        + answers
    )
    return [
        Page("Counsellor dashboard", "/dashboard", "counsellor"),
        Page("Caseload, first page", "/cases/", "counsellor"),
        Page("Caseload, last page", f"/cases/?page={chosen['last_page']}", "counsellor"),
        Page("Case page", f"/cases/{case}", "counsellor"),
        Page("Progress view", f"/cases/{case}/progress", "counsellor"),
        Page("Catalogue search", "/catalogue/?q=trust", "counsellor"),
        Page("Client portal home", "/portal/", "client"),
        Page(
            "Record a homework entry (POST)",
            f"/portal/homework/{chosen['homework']}",
            "client",
            body=entry,
        ),
    ]


# --- Signing in -------------------------------------------------------------------

CSRF = re.compile(r'name="csrf-token" content="([^"]+)"')


class Browser:
    """A signed-in person over HTTP, whose cookie wrk can borrow."""

    def __init__(self, base: str, email: str):
        self.base = base
        self.jar = CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        page = self.get("/login")
        home = self.post("/login", {"csrf_token": csrf(page), "email": email, "password": PASSWORD})
        self.csrf = csrf(home)  # the login redirects home, whose page carries the token

    def get(self, path: str) -> str:
        with self.opener.open(self.base + path, timeout=60) as response:
            return response.read().decode()

    def fetch(self, path: str) -> bytes:
        with self.opener.open(self.base + path, timeout=120) as response:
            return response.read()

    def post(self, path: str, data: dict) -> str:
        body = urllib.parse.urlencode(data).encode()
        with self.opener.open(self.base + path, body, timeout=60) as response:
            return response.read().decode()

    @property
    def cookie(self) -> str:
        return "; ".join(f"{c.name}={c.value}" for c in self.jar)


def csrf(page: str) -> str:
    found = CSRF.search(page)
    if not found:
        raise SystemExit("No CSRF token on the page: is the sign-in working?")
    return found.group(1)


# --- Counting statements ------------------------------------------------------------


def count_statements(app, pages: list[Page], chosen: dict) -> None:
    """Each page's SQL statements per request, asked for as the user would, in process."""
    from practice.extensions import db

    with app.app_context():
        engine = db.engine
    statements: list[str] = []

    def before(conn, cursor, statement, parameters, context, executemany):
        if not statement.lstrip().upper().startswith(("BEGIN", "COMMIT", "ROLLBACK")):
            statements.append(statement)

    clients = {}
    for who in ("counsellor", "client"):
        browser = app.test_client()
        page = browser.get("/login").get_data(as_text=True)
        login = {"csrf_token": csrf(page), "email": chosen[who], "password": PASSWORD}
        assert browser.post("/login", data=login).status_code == 302
        clients[who] = browser
    sa.event.listen(engine, "before_cursor_execute", before)
    try:
        for page in pages:
            browser = clients[page.who]
            for attempt in range(2):  # the second, once caches are warm
                statements.clear()
                if page.body:
                    token = csrf(browser.get(page.url).get_data(as_text=True))
                    statements.clear()
                    body = page.body.format(csrf=token, token=f"count-{time.time()}-{attempt}")
                    response = browser.post(
                        page.url,
                        data=body,
                        content_type="application/x-www-form-urlencoded",
                    )
                else:
                    response = browser.get(page.url)
                if response.status_code >= 400:
                    raise SystemExit(f"{page.name}: {response.status_code}")
            page.queries = len(statements)
    finally:
        sa.event.remove(engine, "before_cursor_execute", before)


# --- Serving -------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def gunicorn(app_path: str, url: str | None, workers: int, log: Path):
    """gunicorn serving ``app_path`` on a free loopback port; yields (base URL, process)."""
    port = free_port()
    env = os.environ | {
        "MEND_ENV": "production",
        "SECRET_KEY": SECRET_KEY,
        "MEND_NOTES_KEYS": NOTES_KEYS,
        "MEND_SECURE_COOKIES": "0",
        # Sign-ins are few; keep the throttle out of the way of a repeated run.
        "MEND_LOGIN_LIMIT": "1000 per minute",
        "MEND_LOGIN_ACCOUNT_LIMIT": "1000 per minute",
    }
    if url:
        env["DATABASE_URL"] = url
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("w") as out:
        process = subprocess.Popen(
            [str(Path(sys.executable).parent / "gunicorn"), "-c", str(ROOT / "gunicorn.conf.py")]
            + ["--workers", str(workers)]
            + ["--bind", f"127.0.0.1:{port}", "--access-logfile", "-", app_path],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,  # the access log: a line per request slows wrk down
            stderr=out,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(base + ("/healthz" if url else "/"), process)
        yield base, process
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


def wait_for(url: str, process) -> None:
    for _ in range(300):
        if process.poll() is not None:
            raise SystemExit(f"gunicorn exited ({process.returncode}); see its log")
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 - loopback only
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"gunicorn did not answer at {url}")


def worker_rss_mb(process) -> list[float]:
    """Resident memory of each of the gunicorn master's workers."""
    found = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            text = status.read_text()
        except OSError:
            continue
        if re.search(rf"^PPid:\s+{process.pid}$", text, re.M):
            rss = re.search(r"^VmRSS:\s+(\d+) kB", text, re.M)
            if rss:
                found.append(round(int(rss.group(1)) / 1024, 1))
    return sorted(found)


# --- Load ------------------------------------------------------------------------------


def wrk(
    url: str,
    *,
    connections: int,
    seconds: int,
    cookie: str = "",
    body: str = "",
    run: str = "bench",
) -> dict:
    """One wrk run: its figures as a dict (see bench/wrk/report.lua)."""
    threads = min(connections, 2)
    env = os.environ | {"BENCH_COOKIE": cookie, "BENCH_BODY": body, "BENCH_RUN": run}
    result = subprocess.run(
        ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s"]
        + ["-s", str(LUA), url],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    line = next((line for line in result.stdout.splitlines() if line.startswith("BENCH ")), None)
    if line is None:
        raise SystemExit(f"wrk printed no figures:\n{result.stdout}\n{result.stderr}")
    figures = json.loads(line.removeprefix("BENCH "))
    figures["rps"] = round(figures["requests"] / figures["seconds"], 1)
    return figures


def entries(app) -> int:
    from practice.extensions import db
    from practice.homework.models import HomeworkEntry

    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(HomeworkEntry))


def remove_bench_entries(app) -> int:
    """Take out the entries earlier benchmark requests recorded, so every run
    measures the same practice (the generator's entries carry no form token)."""
    from practice.extensions import db
    from practice.homework.models import HomeworkEntry

    with app.app_context():
        removed = db.session.execute(
            sa.delete(HomeworkEntry).where(
                sa.or_(
                    HomeworkEntry.form_token.like("bench%"),
                    HomeworkEntry.form_token.like("count-%"),
                )
            )
        ).rowcount
        db.session.commit()
        return removed


def entries_of_run(app, run: str) -> tuple[int, int]:
    """This run's entries, and how many distinct form tokens they carry."""
    from practice.extensions import db
    from practice.homework.models import HomeworkEntry

    with app.app_context():
        rows, tokens = db.session.execute(
            sa.select(sa.func.count(), sa.func.count(sa.distinct(HomeworkEntry.form_token))).where(
                HomeworkEntry.form_token.like(f"{run}%")
            )
        ).one()
        return rows, tokens


def time_pdfs(browser: Browser, chosen: dict, runs: int = 5) -> dict:
    """Each PDF a counsellor hands out, fetched ``runs`` times: median and slowest."""
    case = chosen["case"]
    reports = {
        "Progress report": f"/cases/{case}/progress.pdf",
        "Session handout": f"/cases/{case}/sessions/{chosen['session']}/handout-a.pdf",
        "Homework worksheet": f"/cases/{case}/homework/{chosen['assignment']}/worksheet.pdf",
    }
    timings = {}
    for name, path in reports.items():
        seconds = []
        for _ in range(runs + 1):  # the first warms the worker
            start = time.perf_counter()
            pdf = browser.fetch(path)
            seconds.append(time.perf_counter() - start)
            if not pdf.startswith(b"%PDF"):
                raise SystemExit(f"{name} is not a PDF")
        seconds = seconds[1:]
        timings[name] = {
            "median_s": round(statistics.median(seconds), 3),
            "max_s": round(max(seconds), 3),
            "bytes": len(pdf),
        }
    return timings


# --- One database ------------------------------------------------------------------------


def bench(kind: str, args) -> dict:
    from practice import create_app

    url = database_url(kind, args.seed, args.scale)
    build(url, args.seed, args.scale, args.fresh)
    app = create_app(bench_config(url))
    chosen = choose(app)
    pages = [p for p in key_pages(chosen) if not args.only or args.only.lower() in p.name.lower()]
    print(f"\n== {kind}: {redact(url)}", flush=True)
    if removed := remove_bench_entries(app):
        print(f"Took out {removed} entries an earlier run recorded")
    count_statements(app, pages, chosen)
    logs = ROOT / "build" / "bench-logs"
    result = {"database": kind, "workers": args.workers, "seconds": args.duration}

    with gunicorn("bench.hello:app", None, args.workers, logs / f"hello-{kind}.log") as (base, _):
        ceiling = wrk(base + "/", connections=8, seconds=args.duration)
        single_hello = wrk(base + "/", connections=1, seconds=args.duration)
    result["hello"] = {"concurrent": ceiling, "single": single_hello}
    print(f"hello ceiling: {ceiling['rps']} req/s at 8 users", flush=True)

    run = f"bench{int(time.time())}"
    with gunicorn("wsgi:app", url, args.workers, logs / f"mend-{kind}.log") as (base, server):
        people = {
            "counsellor": Browser(base, chosen["counsellor"]),
            "client": Browser(base, chosen["client"]),
        }
        before = entries(app)
        for page in pages:
            browser = people[page.who]
            body = page.body.replace("{csrf}", browser.csrf) if page.body else ""
            # Warm every worker first (templates compiled, connections open); a
            # form's page is warmed by showing it.
            wrk(base + page.url, connections=8, seconds=2, cookie=browser.cookie)
            options = {"cookie": browser.cookie, "body": body, "seconds": args.duration}
            page.single = wrk(base + page.url, connections=1, run=run + "a", **options)
            page.concurrent = wrk(base + page.url, connections=8, run=run + "b", **options)
            page.share = round(page.concurrent["rps"] / ceiling["rps"], 3)
            print(
                f"{page.name}: p50 {page.single['p50_ms']} ms, p95 {page.single['p95_ms']} ms, "
                f"{page.concurrent['rps']} req/s at 8 users ({page.share:.0%} of hello), "
                f"{page.queries} queries",
                flush=True,
            )
        time.sleep(3)  # the requests cut off when wrk stopped finish on the server
        after = entries(app)
        posted = next((p for p in pages if p.body), None)
        rows, tokens = entries_of_run(app, run)
        result["writes"] = posted and {
            "acknowledged": posted.single["ok"] + posted.concurrent["ok"],
            "failed": posted.single["bad"] + posted.concurrent["bad"],
            "socket_errors": posted.single["socket_errors"] + posted.concurrent["socket_errors"],
            "found": after - before,
            "rows_with_this_runs_tokens": rows,
            "distinct_tokens": tokens,
            # wrk stops with requests in flight: the server may save what it never
            # got to acknowledge, at most one per connection.
            "in_flight_at_stop": 1 + 8,
        }
        result["pdfs"] = {} if args.only else time_pdfs(people["counsellor"], chosen)
        result["worker_rss_mb"] = worker_rss_mb(server)
    remove_bench_entries(app)
    log_text = (logs / f"mend-{kind}.log").read_text()
    result["database_locked"] = log_text.count("database is locked")
    result["server_errors_logged"] = log_text.count("Traceback")
    result["pages"] = [asdict(p) | {"body": None} for p in pages]
    result["chosen"] = chosen
    result["scale"] = args.scale
    result["seed"] = args.seed
    return result


# --- Reporting -------------------------------------------------------------------------------


def verdicts(result: dict) -> dict[str, bool]:
    pages = result["pages"]
    writes = result["writes"]
    verdicts = {
        f"p95 ≤ {TARGET_P95_MS} ms single-user": all(
            p["single"]["p95_ms"] <= TARGET_P95_MS for p in pages
        ),
        f"throughput ≥ {TARGET_SHARE:.0%} of hello at 8 users": all(
            p["share"] >= TARGET_SHARE for p in pages
        ),
        f"≤ {TARGET_QUERIES} queries per page": all(p["queries"] <= TARGET_QUERIES for p in pages),
    }
    if writes:
        verdicts["entry POSTs: no errors, none lost"] = (
            writes["failed"] == 0
            and writes["socket_errors"] == 0
            and result["database_locked"] == 0
            and writes["found"] == writes["rows_with_this_runs_tokens"] == writes["distinct_tokens"]
            and 0 <= writes["found"] - writes["acknowledged"] <= writes["in_flight_at_stop"]
        )
    verdicts[f"worker RSS ≤ {TARGET_RSS_MB} MB"] = max(result["worker_rss_mb"]) <= TARGET_RSS_MB
    return verdicts


def markdown(result: dict) -> str:
    lines = [
        f"### {result['database']}",
        "",
        "| page | queries | p50 ms (1 user) | p95 ms (1 user) | req/s (8 users) | share of hello |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for p in result["pages"]:
        lines.append(
            f"| {p['name']} | {p['queries']} | {p['single']['p50_ms']:.1f} | "
            f"{p['single']['p95_ms']:.1f} | {p['concurrent']['rps']:.0f} | {p['share']:.0%} |"
        )
    hello = result["hello"]
    lines.append(
        f"| bare Flask hello (ceiling) | 0 | {hello['single']['p50_ms']:.1f} | "
        f"{hello['single']['p95_ms']:.1f} | {hello['concurrent']['rps']:.0f} | 100% |"
    )
    w = result["writes"] or {"acknowledged": 0, "found": 0, "failed": 0, "socket_errors": 0}
    lines += [
        "",
        f"Homework entries: {w['acknowledged']} acknowledged, {w['found']} in the database "
        f"(each once; the {w['found'] - w['acknowledged']} more were in flight when wrk "
        f"stopped), {w['failed']} failed responses, {w['socket_errors']} socket errors, "
        f'{result["database_locked"]} "database is locked".',
        "",
        "| PDF | median s | slowest s |",
        "|---|---:|---:|",
    ]
    for name, t in result["pdfs"].items():
        lines.append(f"| {name} | {t['median_s']:.2f} | {t['max_s']:.2f} |")
    lines += ["", f"Worker memory after the run (RSS, MB): {result['worker_rss_mb']}", ""]
    for target, met in verdicts(result).items():
        lines.append(f"- {target}: {'met' if met else 'NOT met'}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--duration", type=int, default=10, help="seconds of load per run")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers (README: 4)")
    parser.add_argument("--fresh", action="store_true", help="rebuild the practice first")
    parser.add_argument("--markdown", action="store_true", help="print tables for the docs")
    parser.add_argument("--only", help="just the pages whose name contains this (a quick look)")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("bench/run needs wrk (Debian: apt-get install wrk)")
    for kind in args.databases.split(","):
        result = bench(kind, args)
        out = ROOT / "build" / f"bench-{kind}.json"
        out.parent.mkdir(exist_ok=True)
        result["machine"] = machine()
        out.write_text(json.dumps(result, indent=2))
        print(f"\nFigures written to {out.relative_to(ROOT)}")
        for target, met in verdicts(result).items():
            print(f"  {target}: {'met' if met else 'NOT met'}")
        if args.markdown:
            print("\n" + markdown(result))


def machine() -> dict:
    cpu = re.search(r"model name\s*:\s*(.+)", Path("/proc/cpuinfo").read_text())
    mem = re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text())
    return {
        "cpus": os.cpu_count(),
        "cpu": cpu.group(1) if cpu else "unknown",
        "memory_gb": round(int(mem.group(1)) / 1024 / 1024, 1) if mem else None,
        "python": sys.version.split()[0],
    }


if __name__ == "__main__":
    main()
