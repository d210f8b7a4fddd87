"""A small practice on a fresh database, served by gunicorn as a practice would serve it.

Two counsellors with three couples each; every partner has a portal login and
homework for each partner separately; every case has attended sessions, half
of them with a draft note, for the counsellors to sign. The test process keeps
its own app on the same database (``practice.app``) to look at what was saved.
"""

import os
import secrets
import shutil
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher
from flask import Flask
from flask_migrate import upgrade

from config import TestingConfig
from practice import create_app
from practice.auth.models import Role, User
from practice.cases.models import Case, CaseStatus, Partner
from practice.catalogue.loader import load_catalogue
from practice.catalogue.models import Exercise
from practice.catalogue.schema import DATA_DIR
from practice.database import now_utc
from practice.dates import practice_today
from practice.extensions import db
from practice.homework.models import Assignment, ForWhom
from practice.sessions.models import Note, NoteTemplate, Session, SessionStatus
from tests.live import ROOT, start_gunicorn, stop, wait_until_up

PASSWORD = "a long enough password"
WORKERS = 3


@dataclass
class Client:
    email: str
    assignment_id: int


@dataclass
class Counsellor:
    email: str
    #: (case id, session id) of attended sessions whose note is not signed yet;
    #: taken off the list as they are signed.
    sessions: list[tuple[int, int]] = field(default_factory=list)


@dataclass
class LivePractice:
    app: Flask
    url: str
    base: str
    server: object
    log: Path
    clients: list[Client]
    counsellors: list[Counsellor]
    env: dict

    def server_log(self) -> str:
        return self.log.read_text()


def config_for(url: str) -> type:
    # The test only looks, so it never takes SQLite's write lock from the server.
    return type(
        "LiveConfig",
        (TestingConfig,),
        {"SQLALCHEMY_DATABASE_URI": url, "SQLITE_LOCK_OUTSIDE_REQUESTS": False},
    )


def server_env(url: str, instance: Path) -> dict:
    """The environment of a production server on ``url``, but on plain HTTP and loopback."""
    env = {
        **os.environ,
        "MEND_ENV": "production",
        "SECRET_KEY": secrets.token_hex(32),
        "MEND_NOTES_KEYS": TestingConfig.NOTES_KEYS,
        "MEND_SECURE_COOKIES": "0",
        "MEND_INSTANCE_PATH": str(instance),
        "DATABASE_URL": url,
        "RATELIMIT_STORAGE_URI": "memory://",
        # Every person here logs in from 127.0.0.1.
        "MEND_LOGIN_LIMIT": "10000 per minute",
        "MEND_LOGIN_ACCOUNT_LIMIT": "10000 per minute",
    }
    env.pop("TEST_DATABASE_URL", None)
    return env


@contextmanager
def served_practice(url: str, tmp: Path, name: str, workers: int = WORKERS):
    """Migrate ``url``, fill it with a practice, and serve it; yields a :class:`LivePractice`."""
    app = create_app(config_for(url))
    # One theme of the catalogue is homework enough, and loads in a fraction of the time.
    catalogue = tmp / "catalogue"
    catalogue.mkdir()
    for data_file in ("guides.toml", "communication.toml"):
        shutil.copy(DATA_DIR / data_file, catalogue)
    with app.app_context():
        upgrade()
        load_catalogue(catalogue)
        clients, counsellors = _seed()
        db.session.commit()
    env = server_env(url, tmp)
    log = ROOT / "build" / f"{name}-server.log"
    server, base = start_gunicorn(env, log, workers)
    try:
        if not wait_until_up(base):
            pytest.fail(f"the server did not start; see {log}")
        yield LivePractice(app, url, base, server, log, clients, counsellors, env)
    finally:
        stop(server)
        with app.app_context():
            db.engine.dispose()


def _user(role: Role, name: str, password_hash: str) -> User:
    email = f"{name.lower().replace(' ', '.')}@load.example.org"
    user = User(email=email, name=name, role=role, password_hash=password_hash)
    db.session.add(user)
    return user


def _seed(cases_each: int = 3, sessions_each: int = 10):
    # Hashed once, at the cost production uses, so that the server has nothing to rehash.
    password_hash = PasswordHasher().hash(PASSWORD)
    exercise = db.session.scalar(sa.select(Exercise).where(Exercise.slug == "i-statement-rewrites"))
    today = practice_today()
    clients, counsellors = [], []
    for c in range(2):
        counsellor = _user(Role.COUNSELLOR, f"Counsellor {c}", password_hash)
        db.session.flush()
        mine = Counsellor(counsellor.email)
        counsellors.append(mine)
        for k in range(cases_each):
            couple = [_user(Role.CLIENT, f"Client {c}{k}{p}", password_hash) for p in "ab"]
            db.session.flush()
            case = Case(
                counsellor_id=counsellor.id,
                label=f"Couple {c}{k}",
                status=CaseStatus.ACTIVE,
                start_date=today - timedelta(weeks=6),
                screened_on=today,
            )
            case.partners = [
                Partner(position=p, name=u.name, email=u.email, user_id=u.id)
                for p, u in zip("ab", couple, strict=True)
            ]
            assignment = Assignment(
                case=case,
                exercise_version_id=exercise.current_version.id,
                for_whom=ForWhom.EACH,
                cadence=exercise.cadence,
                per_week=exercise.per_week,
                starts_on=today - timedelta(days=14),
                counsellor_note="Try it twice this week.",
                created_by_id=counsellor.id,
            )
            db.session.add_all([case, assignment])
            db.session.flush()
            clients += [Client(u.email, assignment.id) for u in couple]
            for s in range(sessions_each):
                starts = now_utc() - timedelta(days=7 * (s + 1), hours=k)
                session = Session(
                    case_id=case.id,
                    counsellor_id=counsellor.id,
                    starts_at=starts,
                    ends_at=starts + timedelta(minutes=50),
                    status=SessionStatus.ATTENDED,
                    attendees=["a", "b"],
                )
                db.session.add(session)
                db.session.flush()
                if s % 2:
                    db.session.add(
                        Note(
                            session_id=session.id,
                            case_id=case.id,
                            template=NoteTemplate.EFT,
                            body={"cycle": "A draft, to be finished."},
                            author_id=counsellor.id,
                        )
                    )
                mine.sessions.append((case.id, session.id))
    return clients, counsellors
