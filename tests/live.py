"""Real servers for the tests that need real processes: gunicorn on a fresh database.

The browser journeys (``tests/e2e``) and the reliability tests (concurrent
writers, killed workers, backups) start the app the way a practice runs it, on
a loopback port, and talk to it over HTTP. :func:`fresh_database` makes a
database of their own: a SQLite file, or a ``mend_rel_*`` PostgreSQL database
beside ``TEST_DATABASE_URL`` when that names PostgreSQL, dropped afterwards.
"""

import html
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager, suppress
from http.client import HTTPConnection, HTTPException
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import psycopg
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_up(base: str, seconds: float = 90) -> bool:
    """Whether ``base``/healthz answered within ``seconds``: a guard against a server that
    never starts, not a measure (on a machine busy with other work, gunicorn's workers
    take a while to load the app and warm the PDF renderer)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=1):  # noqa: S310 - loopback
                return True
        except OSError:
            time.sleep(0.1)
    return False


def flask_command(env: dict, *args: str, check: bool = False) -> subprocess.CompletedProcess:
    """``flask --app wsgi *args`` in a process of its own, with ``env``."""
    return subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=check,
    )


def start_gunicorn(env: dict, log: Path, workers: int) -> tuple[subprocess.Popen, str]:
    """Serve ``wsgi:app`` with ``workers`` sync workers on a free loopback port.

    Returns the master process and the base URL; the access log and errors go to ``log``.
    """
    port = free_port()
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("w") as out:
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "-c",
                str(ROOT / "gunicorn.conf.py"),
                "--workers",
                str(workers),
                "--bind",
                f"127.0.0.1:{port}",
                "--access-logfile",
                "-",
                "--graceful-timeout",
                "5",
                "wsgi:app",
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    return server, f"http://127.0.0.1:{port}"


def stop(server: subprocess.Popen) -> None:
    server.terminate()
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait(timeout=5)


def worker_pids(master: subprocess.Popen) -> set[int]:
    """The gunicorn workers the master runs now (its child processes)."""
    try:
        children = Path(f"/proc/{master.pid}/task/{master.pid}/children").read_text()
    except OSError:
        return set()
    return {int(pid) for pid in children.split()}


# --- Databases of their own ---------------------------------------------------


def postgres_admin_url() -> str | None:
    """The PostgreSQL server of ``TEST_DATABASE_URL``, as libpq reads it; None for SQLite."""
    url = os.environ.get("TEST_DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql")):
        return None
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


@contextmanager
def fresh_database(tmp: Path, purpose: str):
    """An empty database for one purpose; yields its SQLAlchemy URL and drops it after."""
    admin = postgres_admin_url()
    if admin is None:
        yield f"sqlite:///{tmp / f'{purpose}.sqlite3'}"
        return
    name = f"mend_rel_{purpose}_{secrets.token_hex(4)}"
    server = urlsplit(admin)
    with psycopg.connect(server._replace(path="/postgres").geturl(), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield server._replace(scheme="postgresql+psycopg", path=f"/{name}").geturl()
    finally:
        with psycopg.connect(server._replace(path="/postgres").geturl(), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def libpq_url(url: str) -> str:
    return sa.engine.make_url(url).set(drivername="postgresql").render_as_string(False)


# --- A browser without the browser ---------------------------------------------


class Cut(Exception):
    """The connection ended before a whole response came back (a worker died)."""


class Response:
    def __init__(self, status: int, location: str, text: str):
        self.status, self.location, self.text = status, location, text

    def _inputs(self):
        for tag in re.findall(r"<input\b[^>]*>", self.text):
            name = re.search(r'\bname="([^"]*)"', tag)
            value = re.search(r'\bvalue="([^"]*)"', tag)
            if name and value:
                yield tag, name.group(1), html.unescape(value.group(1))

    def hidden(self) -> dict[str, str]:
        """The form's hidden inputs (its CSRF token, its form token), by name."""
        return {name: value for tag, name, value in self._inputs() if 'type="hidden"' in tag}

    def value_of(self, name: str) -> str:
        """The value an input shows when the page opens."""
        return next(value for _, n, value in self._inputs() if n == name)


class Browser:
    """One person's browser: a login cookie, and requests that do not follow redirects.

    gunicorn's sync workers close every connection, so each request has its own.
    """

    def __init__(self, base: str):
        parts = urlsplit(base)
        self.host, self.port = parts.hostname, parts.port
        self.cookie: str | None = None

    def get(self, path: str) -> Response:
        return self.request("GET", path)

    def post(self, path: str, form: dict) -> Response:
        return self.request("POST", path, form)

    def request(self, method: str, path: str, form: dict | None = None) -> Response:
        headers = {"Cookie": f"mend_session={self.cookie}"} if self.cookie else {}
        body = None
        if form is not None:
            body = urlencode(form, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn = HTTPConnection(self.host, self.port, timeout=60)
        try:
            conn.request(method, path, body=body, headers=headers)
            reply = conn.getresponse()
            text = reply.read().decode()
        except (ConnectionError, HTTPException) as exc:
            raise Cut(f"{method} {path}: {exc!r}") from exc
        finally:
            conn.close()
        for header in reply.headers.get_all("Set-Cookie") or ():
            jar = SimpleCookie(header)
            if "mend_session" in jar:
                self.cookie = jar["mend_session"].value or None
        return Response(reply.status, reply.headers.get("Location", ""), text)

    def log_in(self, email: str, password: str) -> Response:
        form = self.get("/login").hidden()
        reply = self.post("/login", {**form, "email": email, "password": password})
        assert reply.status == 302, f"{email} could not log in ({reply.status})"
        return reply


# --- Killing a worker in the middle of a write --------------------------------------


def kill_mid_write(master: subprocess.Popen, url: str, seconds: float) -> int | None:
    """SIGKILL a worker of ``master`` inside a write transaction on ``url``; its pid.

    On SQLite, the worker holding the WAL write lock (byte 120 of the ``-shm``
    file, in ``/proc/locks``), which a writing request holds from its first
    query to its commit. On PostgreSQL a request writes for a moment only, so the
    entries and check-ins tables are locked against writes until a worker's
    INSERT waits on them inside its transaction; that worker dies, the lock goes.
    None if no worker wrote within ``seconds``.
    """
    deadline = time.monotonic() + seconds
    if url.startswith("sqlite"):
        while time.monotonic() < deadline:
            if pid := _holding_sqlite_write_lock(master, url):
                os.kill(pid, signal.SIGKILL)
                return pid
            time.sleep(0.005)
        return None
    with (
        psycopg.connect(libpq_url(url)) as locker,
        psycopg.connect(libpq_url(url), autocommit=True) as watcher,
    ):
        locker.execute("LOCK TABLE homework_entries, check_ins IN SHARE MODE")
        while time.monotonic() < deadline:
            waiting = watcher.execute(
                "SELECT client_port FROM pg_stat_activity WHERE datname = current_database()"
                " AND wait_event_type = 'Lock' AND query LIKE 'INSERT%'"
            ).fetchall()
            for (port,) in waiting:
                if pid := _owner_of_connection(master, port):
                    os.kill(pid, signal.SIGKILL)
                    return pid
            time.sleep(0.005)
        return None


def _holding_sqlite_write_lock(master: subprocess.Popen, url: str) -> int | None:
    workers = worker_pids(master)
    shm = os.stat(sa.engine.make_url(url).database + "-shm").st_ino
    for line in Path("/proc/locks").read_text().splitlines():
        parts = line.split()
        if "->" in parts or len(parts) < 8:
            continue  # a process waiting for a lock, not holding it
        mode, pid, inode = parts[3], int(parts[4]), int(parts[5].rsplit(":", 1)[1])
        if inode == shm and mode == "WRITE" and parts[6] == "120" and pid in workers:
            return pid
    return None


def _owner_of_connection(master: subprocess.Popen, local_port: int) -> int | None:
    """The worker whose TCP socket has ``local_port`` (its end of a database connection)."""
    inode = None
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if int(fields[1].rsplit(":", 1)[1], 16) == local_port:
                inode = fields[9]
    for pid in worker_pids(master):
        for fd in Path(f"/proc/{pid}/fd").glob("*"):
            with suppress(OSError):
                if os.readlink(fd) == f"socket:[{inode}]":
                    return pid
    return None
