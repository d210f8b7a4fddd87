"""bench/generate.py: a synthetic practice, the same for the same seed, that the app serves.

The generator runs at a tiny scale (one counsellor, ten couples) on the suite's
database, and from the command line on fresh databases of its own, as
tests/test_backups.py makes them, to compare one seed with another.
"""

import hashlib
import os
import subprocess
import sys

import sqlalchemy as sa

from bench.generate import (
    OWNER_EMAIL,
    PASSWORD,
    client_email,
    counsellor_email,
    generate,
    targets,
)
from practice import audience, create_app
from practice.auth.models import Role, User
from practice.backups.integrity import integrity_problems, row_counts
from practice.cases.models import Case, CaseStatus, Partner
from practice.dates import practice_today
from practice.extensions import db
from practice.homework.models import Assignment, AssignmentStatus, ForWhom, HomeworkEntry
from practice.sessions.models import Note, Session, SessionStatus
from tests.live import ROOT, fresh_database
from tests.live_practice import config_for

SCALE = 0.004  # 1 counsellor, 10 cases, 160 sessions, 240 assignments, 1,000 entries, 80 check-ins

#: Columns compared between two runs, decrypted where encrypted (the ciphertext differs).
DIGESTED = {
    "users": ("id", "email", "name", "role"),
    "cases": ("id", "counsellor_id", "label", "status", "start_date", "screened_on", "goals"),
    "partners": ("id", "case_id", "position", "name", "user_id"),
    "sessions": ("id", "case_id", "starts_at", "status", "eft_step", "block_ratings"),
    "notes": ("id", "session_id", "template", "body", "signed_at", "content_hash"),
    "assignments": ("id", "exercise_version_id", "for_whom", "cadence", "starts_on", "due_on"),
    "homework_entries": ("id", "assignment_id", "partner_id", "done_on", "answers", "helpful"),
    "check_ins": ("id", "partner_id", "completed_at", "csi_total", "blocks"),
    "reviews": ("id", "case_id", "reviewed_on", "summary"),
}


def digest() -> str:
    """SHA-256 of the digested columns, in id order, as the current app reads them."""
    sha = hashlib.sha256()
    for name, columns in DIGESTED.items():
        table = db.metadata.tables[name]
        query = sa.select(*(table.c[c] for c in columns)).order_by(table.c.id)
        for row in db.session.execute(query):
            sha.update(repr(tuple(row)).encode())
    return sha.hexdigest()


def digest_of(url: str) -> str:
    app = create_app(config_for(url))
    with app.app_context():
        try:
            return digest()
        finally:
            db.session.remove()
            db.engine.dispose()


def run_generator(url: str, tmp_path, *args: str) -> subprocess.CompletedProcess:
    """``bench/generate.py`` in a process of its own, encrypting with the suite's key."""
    env = {**os.environ, "MEND_INSTANCE_PATH": str(tmp_path / "instance")}
    env.pop("MEND_NOTES_KEYS", None)
    return subprocess.run(
        [sys.executable, "bench/generate.py", "--database-url", url, "--scale", str(SCALE), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_the_counts_are_the_scaled_targets_and_the_data_hangs_together(app):
    with app.app_context():
        counts = generate(app, scale=SCALE)
    expected = targets(SCALE)
    assert expected == {
        "users": 22,
        "cases": 10,
        "partners": 20,
        "sessions": 160,
        "assignments": 240,
        "homework_entries": 1000,
        "check_ins": 80,
    }
    assert {table: counts[table] for table in expected} == expected
    with db.engine.connect() as conn:
        stored = row_counts(conn)
        assert integrity_problems(conn) == []
    assert {table: stored[table] for table in counts} == counts
    assert stored["case_summaries"] == counts["cases"]

    roles = db.session.execute(sa.select(User.role, sa.func.count()).group_by(User.role)).all()
    assert dict(roles) == {Role.OWNER: 1, Role.COUNSELLOR: 1, Role.CLIENT: 20}
    emails = set(db.session.scalars(sa.select(User.email)))
    assert {OWNER_EMAIL, counsellor_email(1), client_email(1), client_email(20)} <= emails
    assert db.session.scalar(sa.select(sa.func.count(User.totp_enabled_at))) == 0
    statuses = set(db.session.scalars(sa.select(Case.status)))
    assert CaseStatus.ACTIVE in statuses
    assert len(statuses) > 1

    notes = db.session.scalars(sa.select(Note)).all()
    signed = [n for n in notes if n.signed]
    assert len(signed) >= 0.9 * len(notes)
    assert all(n.intact for n in signed)
    attended = db.session.scalar(
        sa.select(sa.func.count()).where(Session.status == SessionStatus.ATTENDED)
    )
    assert len(notes) <= attended

    today = practice_today()
    for entry in db.session.scalars(sa.select(HomeworkEntry)):
        assignment = entry.assignment
        assert assignment.starts_on <= entry.done_on < today
        assert assignment.due_on is None or entry.done_on <= assignment.due_on
        assert audience.may_read(entry.partner, audience.of_assignment(assignment))
        assert [a["prompt"] for a in entry.answers] == assignment.exercise.prompts
    together = sa.select(Assignment).join(Case).where(Case.safety_concerns.is_(True))
    assert all(a.for_whom is not ForWhom.TOGETHER for a in db.session.scalars(together))


def test_counsellors_and_clients_can_use_the_generated_practice(app, client, auth):
    with app.app_context():
        generate(app, scale=SCALE)
    cases = db.session.scalars(sa.select(Case.id).order_by(Case.id)).all()

    assert auth.login(counsellor_email(1), PASSWORD).status_code == 302
    assert client.get("/").location == "/dashboard"
    pages = ["/dashboard", "/cases/"] + [f"/cases/{c}{p}" for c in cases for p in ("", "/progress")]
    for url in pages:
        assert client.get(url).status_code == 200, url
    auth.logout()

    assignment, partner = db.session.execute(
        sa.select(Assignment, Partner)
        .join(Case, Assignment.case_id == Case.id)
        .join(Partner, Partner.case_id == Case.id)
        .where(
            Case.status == CaseStatus.ACTIVE,
            Assignment.status == AssignmentStatus.ACTIVE,
            Assignment.due_on.is_(None),
            Assignment.for_whom.in_([ForWhom.EACH, ForWhom.TOGETHER]),
        )
        .order_by(Assignment.id, Partner.id)
        .limit(1)
    ).one()
    assert auth.login(partner.user.email, PASSWORD).status_code == 302
    assert client.get("/portal/").status_code == 200
    before = db.session.scalar(sa.select(sa.func.count()).select_from(HomeworkEntry))
    recorded = client.post(
        f"/portal/homework/{assignment.id}",
        data={
            "form_token": "bench-" + "0" * 26,
            "answers-0": "It went better than last week.",
            "done_on": practice_today().isoformat(),
            "helpful": "4",
            "difficulty": "2",
        },
    )
    assert recorded.status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(HomeworkEntry)) == before + 1
    auth.logout()
    assert auth.login(OWNER_EMAIL, PASSWORD).status_code == 302
    assert client.get("/dashboard").status_code == 200


def test_the_same_seed_gives_the_same_practice_and_another_seed_another(app, tmp_path):
    with app.app_context():
        generate(app, scale=SCALE)
    here = digest()

    with fresh_database(tmp_path, "generated") as url:
        made = run_generator(url, tmp_path)
        assert made.returncode == 0, made.stderr
        assert "homework_entries" in made.stdout
        assert "total" in made.stdout
        assert digest_of(url) == here

        again = run_generator(url, tmp_path)
        assert again.returncode == 2
        assert "already has users" in again.stderr

    with fresh_database(tmp_path, "reseeded") as url:
        made = run_generator(url, tmp_path, "--seed", "7")
        assert made.returncode == 0, made.stderr
        assert digest_of(url) != here
