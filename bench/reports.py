"""Time each PDF report on the demo practice and on a long case.

    .venv/bin/python bench/reports.py [--runs 9] [--database-url URL]

Builds a throwaway database (SQLite in a temporary folder unless a URL is
given), loads the catalogue and the demo practice, adds a long case (40
attended sessions with notes and check-ins, 200 homework entries), then renders
every report ``--runs`` times through the app, as a counsellor downloading it
would, and prints the median and the slowest. Before timing, the renderer is
warmed as a gunicorn worker warms it when it starts (``gunicorn.conf.py``).
Targets (issue 6): progress report 0.5 s (a partner's own copy likewise), handout
and worksheet 0.25 s.
"""

import argparse
import random
import statistics
import tempfile
import time
from datetime import timedelta

import sqlalchemy as sa

from config import TestingConfig
from practice import create_app
from practice.auth.models import User
from practice.cases.models import Case, CaseStatus, Partner
from practice.catalogue.loader import load_catalogue
from practice.catalogue.models import Exercise
from practice.database import now_utc
from practice.dates import practice_today
from practice.demo import seed
from practice.extensions import db
from practice.homework.models import Assignment, ForWhom, HomeworkEntry
from practice.progress.models import CheckIn
from practice.reports.pdf import warm_up
from practice.sessions.models import Note, NoteTemplate, Session, SessionStatus
from practice.vocabulary import BUILDING_BLOCKS

PASSWORD = "bench password 1"
TARGETS = {
    "progress": 0.5,
    "partner's copy": 0.5,
    "handout": 0.25,
    "worksheet": 0.25,
    "blank worksheet": 0.25,
}


def long_case(counsellor: User) -> Case:
    """A couple forty weeks in: 40 sessions, check-ins before each, 200 entries."""
    rng = random.Random(40)  # noqa: S311 - repeatable bench data
    today = practice_today()
    case = Case(
        counsellor=counsellor,
        label="Long Case",
        status=CaseStatus.ACTIVE,
        start_date=today - timedelta(weeks=41),
        safety_concerns=False,
        screened_on=today - timedelta(weeks=41),
    )
    case.partners = [
        Partner(position="a", name="Avery Long"),
        Partner(position="b", name="Blake Long"),
    ]
    db.session.add(case)
    db.session.flush()
    for n in range(40):
        start = now_utc() - timedelta(weeks=40 - n)
        session = Session(
            case=case,
            counsellor_id=counsellor.id,
            starts_at=start,
            ends_at=start + timedelta(minutes=50),
            status=SessionStatus.ATTENDED,
            attendees=["a", "b"],
            eft_step=min(9, 1 + n // 5),
            block_ratings={k: rng.randint(3, 9) for k in BUILDING_BLOCKS},
            handout_summary="We worked on the cycle and on asking for comfort.",
        )
        db.session.add(session)
        db.session.flush()
        db.session.add(
            Note(
                session_id=session.id,
                case_id=case.id,
                template=NoteTemplate.EFT,
                body={"cycle": "Pursue and withdraw " * 40},
                author_id=counsellor.id,
            )
        )
        for partner in case.partners:
            answers = [rng.randint(1, 5), rng.randint(1, 5), rng.randint(1, 5), rng.randint(1, 5)]
            db.session.add(
                CheckIn(
                    case_id=case.id,
                    partner_id=partner.id,
                    completed_at=start - timedelta(days=1),
                    csi_happiness=answers[0],
                    csi_warm=answers[1],
                    csi_rewarding=answers[2],
                    csi_satisfied=answers[3],
                    csi_total=sum(answers),
                    blocks={"trust": rng.randint(2, 9)},
                    entered_by_id=counsellor.id,
                )
            )
    exercises = db.session.scalars(sa.select(Exercise).limit(5)).all()
    assignments = []
    for i, exercise in enumerate(exercises):
        a = Assignment(
            case=case,
            exercise=exercise.current_version,
            for_whom=ForWhom.EACH,
            cadence="weekly",
            starts_on=today - timedelta(weeks=40 - i),
            created_by_id=counsellor.id,
        )
        db.session.add(a)
        assignments.append(a)
    db.session.flush()
    for i in range(200):
        a = assignments[i % len(assignments)]
        partner = case.partners[i % 2]
        db.session.add(
            HomeworkEntry(
                assignment_id=a.id,
                partner_id=partner.id,
                case_id=case.id,
                done_on=a.starts_on + timedelta(days=7 * (i // 10) + i % 7),
                answers=[{"prompt": "How did it go?", "answer": "Better than last week."}],
                helpful=rng.randint(1, 5),
                difficulty=rng.randint(1, 5),
            )
        )
    db.session.commit()
    return case


def timed(client, url: str, runs: int) -> tuple[float, float, int]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - started)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(times), max(times), len(response.data)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{tmp}/bench.sqlite3"
        config = type(
            "BenchConfig",
            (TestingConfig,),
            {"SQLALCHEMY_DATABASE_URI": url, "WTF_CSRF_ENABLED": False},
        )
        app = create_app(config)
        with app.app_context():
            db.drop_all()
            db.create_all()
            load_catalogue()
            seed(PASSWORD)
            db.session.commit()
            sam = db.session.scalar(sa.select(User).where(User.email == "sam@demo.mend"))
            demo = db.session.scalar(sa.select(Case).where(Case.label == "Alex & Jordan Morgan"))
            long = long_case(sam)
            urls = {}
            for label, case in (("demo", demo), ("long", long)):
                session = db.session.scalar(
                    sa.select(Session.id)
                    .where(Session.case_id == case.id, Session.status == SessionStatus.ATTENDED)
                    .order_by(Session.starts_at.desc())
                    .limit(1)
                )
                assignment = db.session.scalar(
                    sa.select(Assignment.id).where(Assignment.case_id == case.id).limit(1)
                )
                urls[(label, "progress")] = f"/cases/{case.id}/progress.pdf"
                urls[(label, "partner's copy")] = f"/cases/{case.id}/progress/client/a.pdf"
                urls[(label, "handout")] = f"/cases/{case.id}/sessions/{session}/handout-a.pdf"
                urls[(label, "worksheet")] = f"/cases/{case.id}/homework/{assignment}/worksheet.pdf"
            urls[("catalogue", "blank worksheet")] = (
                "/catalogue/exercises/rituals-date-night/worksheet.pdf"
            )
        client = app.test_client()
        client.post("/login", data={"email": "sam@demo.mend", "password": PASSWORD})
        warm_up(app)
        print(f"database: {url.split(':')[0]}; {args.runs} runs each, the renderer warmed first")
        print(f"{'case':<10} {'report':<16} {'median s':>9} {'max s':>7} {'kB':>6} {'target':>7}")
        for (label, report), path in urls.items():
            median, worst, size = timed(client, path, args.runs)
            target = TARGETS[report]
            verdict = "ok" if median <= target else "SLOW"
            print(
                f"{label:<10} {report:<16} {median:>9.3f} {worst:>7.3f} {size / 1024:>6.0f} "
                f"{target:>5.2f} {verdict}"
            )
        with app.app_context():
            db.drop_all()
            db.engine.dispose()


if __name__ == "__main__":
    main()
