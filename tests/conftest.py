"""Fixtures in the manner of Flask's tutorial and indico.

The database is SQLite in a temporary folder, or PostgreSQL when
``TEST_DATABASE_URL`` names one (``.ci/run`` does both). The schema is built once
per run by the migrations themselves; every test then starts from empty tables.

Two app objects share the database: ``app`` is the one under test, served by
``client``; the test body runs in the app context of a second one, like another
process looking at the same database. Requests therefore get their own ``g`` and
session, as in production, and the test's session is rolled back after each
request so that it sees what the request wrote.
"""

import os
import shutil
import time
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path

import itsdangerous.timed
import pytest
import sqlalchemy as sa
from flask import Flask, has_app_context
from flask.testing import FlaskClient
from flask_migrate import upgrade
from hypothesis import settings

from config import TestingConfig, database_url
from practice import create_app
from practice.admin.models import PracticeSettings
from practice.audit import locks as audit_locks
from practice.auth.models import Role, User
from practice.billing.standard import add_standard_services
from practice.cases.models import Case, CaseStatus, Partner, SafetyScreening, ScreeningOutcome
from practice.cases.pauses import PauseReason, pause_joint_work
from practice.cases.services import PAUSING
from practice.catalogue.loader import load_catalogue
from practice.catalogue.models import Exercise, Origin
from practice.consent import locks as consent_locks
from practice.dates import practice_today
from practice.extensions import db
from practice.homework.models import Assignment, ForWhom, HomeworkEntry
from practice.homework.services import Terms, new_entry
from practice.intake import locks as intake_locks
from practice.messages import locks as message_locks
from practice.plans import locks as plan_locks
from practice.sessions import locks as session_locks
from tests.authorization_matrix import World, build_world
from tests.factories import PASSWORD
from tests.live import fresh_database
from tests.live_practice import served_practice

#: The moment every test starts at, unless ``--now`` (or ``MEND_TEST_NOW``) says another:
#: a fixed one, so that no test depends on the hour or the day it runs.
DEFAULT_NOW = "2026-11-24T10:30:00+00:00"

# Property tests run the same examples on every run (and in CI): a failing input fails
# every time. ``HYPOTHESIS_PROFILE=explore`` looks further, at random, on one's own machine.
settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
settings.register_profile("explore", max_examples=200)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def pytest_addoption(parser):
    parser.addoption(
        "--now",
        default=os.environ.get("MEND_TEST_NOW", DEFAULT_NOW),
        help="the moment (ISO 8601, with its offset) the app's clock reads as each test "
        "starts, e.g. 2026-11-25T00:05:00+00:00; the browser journeys' server starts there",
    )


@pytest.fixture(scope="session")
def fixed_now(request) -> datetime:
    """The moment the tests' clock starts at (``--now``)."""
    return datetime.fromisoformat(request.config.getoption("--now"))


@pytest.fixture(scope="session")
def database_uri(request, tmp_path_factory):
    """This run's database. Under pytest-xdist each worker has its own: on
    PostgreSQL a database named after ``TEST_DATABASE_URL``'s with the worker's
    id added, made afresh and dropped at the end."""
    url = database_url(os.environ.get("TEST_DATABASE_URL"))
    if not url:
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
        return
    worker = getattr(request.config, "workerinput", {}).get("workerid")
    if worker is None:
        yield url
        return
    own = sa.engine.make_url(url)
    own = own.set(database=f"{own.database}_{worker}")
    server = sa.create_engine(own.set(database="postgres"), isolation_level="AUTOCOMMIT")
    drop = sa.text(f'DROP DATABASE IF EXISTS "{own.database}" WITH (FORCE)')
    with server.connect() as conn:
        conn.execute(drop)
        conn.execute(sa.text(f'CREATE DATABASE "{own.database}"'))
    yield own.render_as_string(hide_password=False)
    with server.connect() as conn:
        conn.execute(drop)
    server.dispose()


@pytest.fixture(scope="session")
def config_class(database_uri, fixed_now):
    """A TestingConfig pointing at this run's database, its clock starting at ``fixed_now``
    for each test; CSRF is tested on its own."""
    return type(
        "TestRunConfig",
        (TestingConfig,),
        {
            "SQLALCHEMY_DATABASE_URI": database_uri,
            "WTF_CSRF_ENABLED": False,
            "FIXED_NOW": fixed_now,
        },
    )


@pytest.fixture(scope="session")
def _schema(config_class):
    """Build the schema once per run, by migrating an empty database to head."""
    app = create_app(config_class)
    with app.app_context():
        _drop_everything()
        upgrade()
        load_catalogue()
        db.session.commit()
    yield
    with app.app_context():
        _drop_everything()
        db.engine.dispose()


def _drop_everything() -> None:
    meta = sa.MetaData()
    meta.reflect(bind=db.engine)
    meta.drop_all(bind=db.engine)
    with db.engine.begin() as conn:
        conn.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))


#: Loaded once per run and kept between tests; only practice-own exercises are removed.
CATALOGUE_TABLES = {
    "strategies",
    "strategy_concerns",
    "strategy_versions",
    "exercises",
    "exercise_versions",
    "catalogue_search_terms",
}


def _empty_tables(keep_catalogue: bool = True) -> None:
    """Delete every row a test may have made, children first."""
    practice_own = sa.select(Exercise.id).where(Exercise.origin == Origin.PRACTICE)
    with (
        db.engine.begin() as conn,
        session_locks.LOCKS.lifted(conn),
        plan_locks.LOCKS.lifted(conn),
        audit_locks.LOCKS.lifted(conn),
        intake_locks.LOCKS.lifted(conn),
        consent_locks.LOCKS.lifted(conn),
        message_locks.LOCKS.lifted(conn),
    ):
        for table in reversed(db.metadata.sorted_tables):
            if table.name not in CATALOGUE_TABLES or not keep_catalogue:
                conn.execute(table.delete())
            elif table.name == "exercises":
                conn.execute(table.delete().where(table.c.origin == Origin.PRACTICE.value))
            elif "exercise_id" in table.c:
                conn.execute(table.delete().where(table.c.exercise_id.in_(practice_own)))
        if not keep_catalogue and conn.dialect.name == "postgresql":
            # Emptied, the catalogue is loaded again with the ids a fresh database gives it
            # (SQLite reuses them by itself), so a test that compares a practice generated
            # here with one generated on a fresh database does not depend on which tests
            # this worker ran before it.
            for name in CATALOGUE_TABLES:
                if "id" in db.metadata.tables[name].c:
                    conn.execute(
                        sa.text("SELECT setval(pg_get_serial_sequence(:t, 'id'), 1, false)"),
                        {"t": name},
                    )


class Client(FlaskClient):
    """A test client after whose requests the test's own session starts afresh."""

    def open(self, *args, **kwargs):
        response = super().open(*args, **kwargs)
        if has_app_context():
            db.session.rollback()
        return response


@pytest.fixture
def app(_schema, config_class) -> Flask:
    """The app under test. Its app context is only ever pushed by its requests."""
    app = create_app(config_class)
    app.test_client_class = Client
    with app.app_context():
        _empty_tables()
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(autouse=True)
def _test_context(request, config_class):
    """Run each test body in the app context of a second app on the same database."""
    if "app" not in request.fixturenames:
        yield
        return
    app = request.getfixturevalue("app")  # tables emptied first
    observer = create_app(
        type("ObserverConfig", (config_class,), {"SQLITE_LOCK_OUTSIDE_REQUESTS": False})
    )
    # One clock for both, so that the test and the app agree on the time to the second.
    observer.extensions["fixed_clock"] = app.extensions["fixed_clock"]
    with observer.app_context():
        yield
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def empty_catalogue(app):
    """An empty catalogue for tests of loading it; the real one is back afterwards."""
    with app.app_context():
        _empty_tables(keep_catalogue=False)
    yield
    with app.app_context():
        _empty_tables(keep_catalogue=False)
        load_catalogue()
        db.session.commit()


@pytest.fixture
def make_app(request):
    """Further apps on the test database (other workers, other settings); closed after.
    Beside ``app``, they keep its clock."""
    made = []

    def make(config) -> Flask:
        extra = create_app(config)
        extra.test_client_class = Client
        if "app" in request.fixturenames and "fixed_clock" in extra.extensions:
            extra.extensions["fixed_clock"] = request.getfixturevalue("app").extensions[
                "fixed_clock"
            ]
        made.append(extra)
        return extra

    yield make
    for extra in made:
        with extra.app_context():
            db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def make_user(app):
    """Create and commit a user: ``make_user(Role.COUNSELLOR, email=...)``."""
    counter = iter(range(1, 10_000))

    def make(
        role: Role = Role.COUNSELLOR, *, email=None, name=None, password=PASSWORD, active=True
    ) -> User:
        n = next(counter)
        user = User(
            email=email or f"{role.value}{n}@example.org",
            name=name or f"{role.value.capitalize()} {n}",
            role=role,
            active=active,
        )
        if password:
            user.set_password(password)
        db.session.add(user)
        db.session.commit()
        return user

    return make


@pytest.fixture
def owner(make_user):
    return make_user(Role.OWNER, email="owner@example.org", name="Olive Owner")


@pytest.fixture
def london(app):
    """The practice's settings, in London's time zone (GMT in winter, BST in summer)."""
    db.session.add(PracticeSettings(name="Riverside", timezone="Europe/London"))
    db.session.commit()


@pytest.fixture
def services(app):
    """The practice's standard services and fees, by code (90847, 90834, ...)."""
    added = add_standard_services()
    db.session.commit()
    return {s.code: s for s in added}


@pytest.fixture
def counsellor(make_user):
    return make_user(Role.COUNSELLOR, email="casey@example.org", name="Casey Counsellor")


class AuthActions:
    def __init__(self, client):
        self._client = client

    def login(self, user_or_email, password=PASSWORD, **kwargs):
        email = getattr(user_or_email, "email", user_or_email)
        return self._client.post("/login", data={"email": email, "password": password}, **kwargs)

    def logout(self):
        return self._client.post("/logout")


@pytest.fixture
def auth(client):
    return AuthActions(client)


@pytest.fixture
def csrf_client(app):
    """A browser on the app with CSRF protection on, as in production."""
    app.config["WTF_CSRF_ENABLED"] = True
    return app.test_client()


def form_token(client, url="/login") -> str:
    """The CSRF token of the form on ``url``, as the browser would send it back."""
    page = client.get(url).data.decode()
    return page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]


def csrf_login(client, user, password=PASSWORD):
    """Log ``user`` in through the login form, token and all."""
    response = client.post(
        "/login",
        data={"email": user.email, "password": password, "csrf_token": form_token(client)},
    )
    assert response.status_code == 302
    return response


@pytest.fixture
def go_idle(app, monkeypatch):
    """``go_idle()`` moves the session cookie's clock past the idle limit, as if the
    browser had been left alone that long; the clock stays there for the test."""

    def go() -> None:
        idle = app.config["PERMANENT_SESSION_LIFETIME"] + timedelta(minutes=1)
        later = time.time() + idle.total_seconds()
        monkeypatch.setattr(itsdangerous.timed, "time", type("Clock", (), {"time": lambda: later}))

    return go


@pytest.fixture
def count_queries(app):
    """The SQL statements the app under test runs: ``with count_queries() as queries:``."""
    with app.app_context():
        engine = db.engine

    @contextmanager
    def counter():
        statements = []

        def before(conn, cursor, statement, parameters, context, executemany):
            if (
                not statement.lstrip()
                .upper()
                .startswith(("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE"))
            ):
                statements.append(statement)

        sa.event.listen(engine, "before_cursor_execute", before)
        try:
            yield statements
        finally:
            sa.event.remove(engine, "before_cursor_execute", before)

    return counter


def pytest_sessionstart(session):
    """Empty the browser journeys' screenshot folder once per run, in the process that
    runs the workers (each worker making it afresh raced the others)."""
    if not hasattr(session.config, "workerinput"):
        shutil.rmtree(Path(__file__).parent.parent / "build" / "screenshots", ignore_errors=True)


def pytest_report_header(config):
    url = os.environ.get("TEST_DATABASE_URL")
    where = (
        sa.engine.make_url(database_url(url)).render_as_string() if url else "SQLite (temporary)"
    )
    return [f"database: {where}", f"redis: {os.environ.get('TEST_REDIS_URL') or 'not used'}"]


@pytest.fixture
def redis_url() -> str:
    """Redis for the tests that need it; CI provides it, and there it may not be missing."""
    url = os.environ.get("TEST_REDIS_URL")
    if not url:
        if os.environ.get("CI"):
            pytest.fail("TEST_REDIS_URL is not set in CI")
        pytest.skip("TEST_REDIS_URL not set")
    return url


# --- Cases, homework and entries -------------------------------------------


@pytest.fixture
def make_case(make_user):
    """A case with partners (portal logins by default) and a safety screening.

    ``make_case(counsellor, ("Alex Morgan", "Jordan Morgan"), screening="concerns")``
    """

    def make(
        counsellor,
        names=("Alex Morgan", "Jordan Morgan"),
        *,
        portal=True,
        screening="no-concerns",
        status=CaseStatus.ACTIVE,
        weeks_ago=2,
    ) -> Case:
        today = practice_today()
        case = Case(
            counsellor_id=counsellor.id,
            label=" & ".join(names),
            status=status,
            start_date=today - timedelta(weeks=weeks_ago),
        )
        for position, name in zip("ab", names, strict=False):
            user = make_user(Role.CLIENT, name=name) if portal else None
            case.partners.append(
                Partner(
                    position=position,
                    name=name,
                    email=user.email if user else None,
                    user_id=user.id if user else None,
                )
            )
        if screening:
            case.screenings.append(
                SafetyScreening(
                    screened_on=today,
                    outcome=ScreeningOutcome(screening),
                    note="",
                    screened_by_id=counsellor.id,
                )
            )
            outcome = ScreeningOutcome(screening)
            case.safety_concerns = outcome.concerns
            case.screened_on = today
        db.session.add(case)
        db.session.commit()
        if screening and outcome in PAUSING:
            pause_joint_work(case, PauseReason.SAFETY, "", counsellor)
            db.session.commit()
        return case

    return make


@pytest.fixture
def world(app, make_user, make_case, make_assignment, make_entry, owner) -> World:
    """The authorization matrix's world (tests/authorization_matrix.py): two cases, seven
    kinds of user, and one of each record a route can name."""
    return build_world(app, make_user, make_case, make_assignment, make_entry, owner)


@pytest.fixture
def case(make_case, counsellor):
    """A couple, Alex and Jordan Morgan, in counselling with ``counsellor``."""
    return make_case(counsellor)


@pytest.fixture
def alex(case):
    """Partner A of ``case``."""
    return case.partners[0]


@pytest.fixture
def jordan(case):
    """Partner B of ``case``."""
    return case.partners[1]


@pytest.fixture
def make_assignment():
    """Give a catalogue exercise to a case: ``make_assignment(case, "i-statement-rewrites")``."""

    def make(
        case,
        slug="i-statement-rewrites",
        for_whom="each",
        *,
        cadence=None,
        per_week=None,
        starts_on=None,
        due_on=None,
        note="",
        session=None,
    ) -> Assignment:
        exercise = db.session.scalar(sa.select(Exercise).where(Exercise.slug == slug))
        terms = Terms(
            for_whom=ForWhom(for_whom),
            cadence=cadence or exercise.cadence,
            per_week=per_week if cadence else exercise.per_week,
            starts_on=starts_on or practice_today() - timedelta(days=7),
            due_on=due_on,
            counsellor_note=note,
            session_id=session.id if session else None,
        )
        # The service's columns without its checks: tests set up homework given
        # before a concern was recorded, which the checks would now refuse.
        assignment = Assignment(
            case_id=case.id,
            exercise_version_id=exercise.current_version.id,
            created_by_id=case.counsellor_id,
            **terms.columns(),
        )
        db.session.add(assignment)
        db.session.commit()
        return assignment

    return make


@pytest.fixture
def make_entry():
    """Record an entry: ``make_entry(assignment, partner, shared=True)``."""

    def make(
        assignment,
        partner,
        *,
        done_on=None,
        shared=False,
        answer="It went well.",
        helpful=4,
        difficulty=2,
    ) -> HomeworkEntry:
        entry = new_entry(
            assignment,
            partner,
            done_on=done_on or practice_today(),
            answers=[{"prompt": "How did it go?", "answer": answer}],
            helpful=helpful,
            difficulty=difficulty,
            shared=shared,
        )
        db.session.commit()
        return entry

    return make


# --- A practice served by gunicorn (tests/test_concurrency.py, tests/test_backups.py) ----


@pytest.fixture(scope="session")
def live_practice(tmp_path_factory):
    """Two counsellors and six couples on a database of their own, served by three
    gunicorn workers; started once per run, for the tests that need real processes."""
    tmp = tmp_path_factory.mktemp("live-practice")
    with fresh_database(tmp, "load") as url, served_practice(url, tmp, "live-practice") as p:
        yield p
