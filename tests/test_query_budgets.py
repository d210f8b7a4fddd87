"""Query budgets: each key page runs the same SQL however much the practice holds.

A page that asks the database once per case, per session or per entry (an N+1)
is fast in a small practice and slow in a large one. Each test below fills one
practice small and then large, and asks for the same number of statements, and
for no more than ``BUDGET``. The benchmark in ``bench/`` measures the time; these
measure the shape, which does not depend on the machine.
"""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from practice.cases.models import (
    Case,
    CaseConcern,
    CaseStatus,
    Partner,
    SafetyScreening,
    ScreeningOutcome,
)
from practice.catalogue.models import Exercise, Origin, Strategy, StrategyConcern
from practice.database import now_utc
from practice.dates import practice_today
from practice.extensions import db
from practice.homework.models import Assignment, ForWhom, HomeworkEntry
from practice.progress.csi import score
from practice.progress.models import CheckIn
from practice.sessions.models import Note, NoteTemplate, Session, SessionStatus
from tests.conftest import PASSWORD
from tests.factories import add_message

BUDGET = 15
# The case pages may take two more: the case page's fifteen, the treatment plan card (one
# statement: every version with its reviews, and the day of the fifth session), and the
# intake and consent card (one statement: every published document with the case's
# signatures; each partner's intake comes with the partners).
CASE_PAGE_BUDGET = BUDGET + 2
EXERCISES = ("appreciation-noticing-log", "i-statement-rewrites", "rituals-date-night")


@pytest.fixture
def as_counsellor(auth, counsellor):
    auth.login(counsellor)
    return counsellor


def add_cases(counsellor, count: int, *, start: int = 0) -> list[Case]:
    """``count`` open cases, each with a session and note, homework, entries and a check-in."""
    today = practice_today()
    cases = []
    for n in range(start, start + count):
        case = Case(
            counsellor_id=counsellor.id,
            label=f"Case {n:04d}",
            status=CaseStatus.ACTIVE if n % 7 else CaseStatus.PAUSED,
            start_date=today - timedelta(weeks=4),
        )
        case.partners = [
            Partner(position="a", name=f"Ash {n}", email=f"ash{n}@example.org"),
            Partner(position="b", name=f"Bo {n}", email=f"bo{n}@example.org"),
        ]
        if n % 5:
            outcome = ScreeningOutcome.CONCERNS if n % 11 == 0 else ScreeningOutcome.NO_CONCERNS
            case.screenings.append(
                SafetyScreening(
                    screened_on=today, outcome=outcome, note="", screened_by_id=counsellor.id
                )
            )
        cases.append(case)
    db.session.add_all(cases)
    db.session.flush()
    exercise = exercise_version(EXERCISES[0])
    for n, case in enumerate(cases, start=start):
        add_history(case, sessions=1, entries_per_session=1, exercise=exercise)
        # A session booked in the coming week, for the dashboard's agenda.
        starts = now_utc() + timedelta(days=n % 7, hours=1)
        db.session.add(
            Session(
                case_id=case.id,
                counsellor_id=counsellor.id,
                starts_at=starts,
                ends_at=starts + timedelta(minutes=50),
                invitees=["a"] if n % 3 == 0 else [],
            )
        )
    db.session.commit()
    return cases


def exercise_version(slug: str) -> int:
    exercise = db.session.scalar(sa.select(Exercise).where(Exercise.slug == slug))
    return exercise.current_version.id


def add_history(case, *, sessions: int, entries_per_session: int = 2, exercise=None) -> None:
    """Weekly attended sessions (the last unsigned), check-ins, homework and entries."""
    today = practice_today()
    versions = [exercise] if exercise else [exercise_version(slug) for slug in EXERCISES]
    assignments = [
        Assignment(
            case_id=case.id,
            exercise_version_id=version,
            for_whom=ForWhom.EACH if i % 2 == 0 else ForWhom.TOGETHER,
            cadence="daily",
            starts_on=today - timedelta(weeks=sessions + 1),
            created_by_id=case.counsellor_id,
        )
        for i, version in enumerate(versions)
    ]
    db.session.add_all(assignments)
    db.session.flush()
    for week in range(sessions, 0, -1):
        starts = now_utc() - timedelta(weeks=week)
        session = Session(
            case_id=case.id,
            counsellor_id=case.counsellor_id,
            starts_at=starts,
            ends_at=starts + timedelta(minutes=50),
            status=SessionStatus.ATTENDED,
            attendees=["a", "b"],
            eft_step=min(9, 1 + (sessions - week) // 4),
            block_ratings={"trust": 5, "teamwork": 6},
        )
        db.session.add(session)
        db.session.flush()
        note = Note(
            session_id=session.id,
            case_id=case.id,
            template=NoteTemplate.DAP,
            body={"data": f"Week {week}", "assessment": "", "plan": ""},
            author_id=case.counsellor_id,
        )
        if week > 1:
            note.signed_at = starts + timedelta(hours=2)
            note.signed_by_id = case.counsellor_id
        db.session.add(note)
        for partner in case.partners:
            answers = (3, 3, 3, 3) if week % 3 else (4, 4, 4, 3)
            db.session.add(
                CheckIn(
                    case_id=case.id,
                    partner_id=partner.id,
                    completed_at=starts - timedelta(hours=1),
                    csi_happiness=answers[0],
                    csi_warm=answers[1],
                    csi_rewarding=answers[2],
                    csi_satisfied=answers[3],
                    csi_total=score(answers),
                    blocks={"trust": 5},
                    entered_by_id=case.counsellor_id,
                )
            )
            for assignment in assignments:
                for day in range(entries_per_session):
                    db.session.add(
                        HomeworkEntry(
                            assignment_id=assignment.id,
                            partner_id=partner.id,
                            case_id=case.id,
                            done_on=today - timedelta(weeks=week - 1, days=day),
                            answers=[{"prompt": "How did it go?", "answer": "Better."}],
                            helpful=4,
                            difficulty=2,
                            shared=day % 2 == 0,
                        )
                    )
    db.session.flush()


def statements(client, count_queries, url: str, *, data=None, status=200) -> int:
    with count_queries() as queries:
        response = client.get(url) if data is None else client.post(url, data=data)
    assert response.status_code == status, url
    return len(queries)


# --- A caseload of 5 and of 500 ----------------------------------------------


CASELOAD_PAGES = ("/dashboard", "/cases/", "/cases/?status=open", "/cases/?q=case")


def test_caseload_pages_run_the_same_queries_for_5_cases_and_500(
    app, client, as_counsellor, count_queries
):
    """Built once, the large caseload serves every page's check (it takes a while)."""
    size = app.config["PAGE_SIZE"]

    def measure(cases: int) -> dict[str, int]:
        urls = {page: page for page in CASELOAD_PAGES}
        urls["last caseload page"] = f"/cases/?page={max(1, -(-cases // size))}"
        return {page: statements(client, count_queries, url) for page, url in urls.items()}

    add_cases(as_counsellor, 5)
    few = measure(5)
    add_cases(as_counsellor, 495, start=5)
    many = measure(500)
    assert few == many, (few, many)
    assert max(many.values()) <= BUDGET, many


def test_the_last_caseload_page_shows_the_last_cases(client, as_counsellor, app):
    add_cases(as_counsellor, 60)
    size = app.config["PAGE_SIZE"]
    last = -(-60 // size)
    page = client.get(f"/cases/?page={last}").data.decode()
    assert "Case 0059" in page
    assert "Case 0000" not in page


# --- A case with 2 sessions and with 40 --------------------------------------


CASE_PAGES = (
    "/cases/{id}",
    "/cases/{id}/progress",
    "/cases/{id}/sessions/",
    "/cases/{id}/homework/{assignment}",
)


def test_case_pages_run_the_same_queries_for_2_sessions_and_40(
    client, as_counsellor, make_case, count_queries
):
    counts = []
    for sessions in (2, 40):
        case = make_case(as_counsellor, (f"Alex {sessions}", f"Jordan {sessions}"), portal=False)
        add_history(case, sessions=sessions)
        db.session.commit()
        assignment = db.session.scalar(
            sa.select(Assignment.id).where(Assignment.case_id == case.id).limit(1)
        )
        counts.append(
            {
                page: statements(
                    client, count_queries, page.format(id=case.id, assignment=assignment)
                )
                for page in CASE_PAGES
            }
        )
    assert counts[0] == counts[1], counts
    assert max(counts[1].values()) <= CASE_PAGE_BUDGET, counts


def test_the_dashboard_counts_a_large_caseload_exactly(client, as_counsellor):
    add_cases(as_counsellor, 60)
    page = client.get("/dashboard").data.decode()
    # Open cases, exact however few are listed; every case here is open.
    assert '<div class="stat">60</div><div class="text-body-secondary">open cases' in page


# --- The catalogue -----------------------------------------------------------


@pytest.mark.parametrize("query", ["", "?q=trust", "?q=repair+after+a+fight", "?stage=2"])
def test_catalogue_browse_and_search_stay_within_budget(
    client, as_counsellor, count_queries, query
):
    assert statements(client, count_queries, f"/catalogue/{query}") <= BUDGET


def add_practice_exercises(count: int) -> None:
    """``count`` practice-own exercises under strategies for broken trust, as if the
    practice had written many (they are removed after each test, as all practice ones are)."""
    strategies = db.session.scalars(
        sa.select(Strategy)
        .join(StrategyConcern)
        .where(StrategyConcern.concern == "broken-trust")
        .order_by(Strategy.id)
    ).all()
    for n in range(count):
        db.session.add(
            Exercise(
                slug=f"practice-budget-{n}",
                origin=Origin.PRACTICE,
                strategy_id=strategies[n % len(strategies)].id,
                position=n,
                title=f"Practice exercise {n}",
                instructions="Do it.",
                who="each",
                cadence="weekly",
                minutes=10,
                prompts=["How was it?", "What next?"],
                content_hash=f"{n:064d}",
            )
        )
    db.session.commit()


def test_the_assign_page_with_suggestions_runs_the_same_queries_as_the_catalogue_grows(
    client, as_counsellor, make_case, count_queries
):
    """Suggestions, has/had marks and the held-work rule in a fixed number of statements,
    however many exercises the catalogue holds and however much homework the couple had."""
    case = make_case(as_counsellor, portal=False)
    case.concern_links = [
        CaseConcern(concern="broken-trust"),
        CaseConcern(concern="poor-communication"),
    ]
    add_history(case, sessions=2)
    db.session.commit()
    url = f"/cases/{case.id}/homework/new"
    few = statements(client, count_queries, url)
    add_practice_exercises(60)
    add_history(case, sessions=6)
    db.session.commit()
    many = statements(client, count_queries, url)
    assert "Suggested for" in client.get(url).data.decode()
    assert few == many, (few, many)
    assert many <= BUDGET, many


# --- The client portal -------------------------------------------------------


def portal_case(make_case, counsellor, sessions: int, names):
    case = make_case(counsellor, names)
    add_history(case, sessions=sessions)
    db.session.commit()
    return case


PORTAL_PAGES = ("/portal/", "/portal/entries", "/portal/homework/{assignment}")


def test_portal_pages_run_the_same_queries_for_2_sessions_and_40(
    app, make_case, counsellor, count_queries
):
    counts = []
    for sessions in (2, 40):
        case = portal_case(make_case, counsellor, sessions, (f"Ari {sessions}", f"Bea {sessions}"))
        browser = app.test_client()
        login = {"email": case.partners[0].user.email, "password": PASSWORD}
        assert browser.post("/login", data=login).status_code == 302
        assignment = db.session.scalar(
            sa.select(Assignment.id).where(Assignment.case_id == case.id).limit(1)
        )
        counts.append(
            {
                page: statements(browser, count_queries, page.format(assignment=assignment))
                for page in PORTAL_PAGES
            }
        )
    assert counts[0] == counts[1], counts
    assert max(counts[1].values()) <= BUDGET, counts


def test_recording_homework_runs_the_same_queries_after_2_sessions_and_40(
    app, make_case, counsellor, count_queries
):
    counts = []
    for sessions in (2, 40):
        case = portal_case(make_case, counsellor, sessions, (f"Cy {sessions}", f"Di {sessions}"))
        partner = case.partners[0]
        browser = app.test_client()
        login = {"email": partner.user.email, "password": PASSWORD}
        assert browser.post("/login", data=login).status_code == 302
        assignment = db.session.scalar(
            sa.select(Assignment).where(Assignment.case_id == case.id).limit(1)
        )
        before = entries_of(partner)
        data = {
            "form_token": f"budget-{sessions}",
            "done_on": practice_today().isoformat(),
            "answers-0": "We tried it after dinner.",
            "helpful": "4",
            "difficulty": "2",
        }
        url = f"/portal/homework/{assignment.id}"
        counts.append(statements(browser, count_queries, url, data=data, status=302))
        assert entries_of(partner) == before + 1
    assert counts[0] == counts[1] <= BUDGET, counts


def entries_of(partner) -> int:
    return db.session.scalar(
        sa.select(sa.func.count()).where(HomeworkEntry.partner_id == partner.id)
    )


def test_each_partners_copy_of_the_progress_report_runs_the_same_queries_for_2_sessions_and_40(
    app, make_case, counsellor, count_queries
):
    def signed_in(user):
        browser = app.test_client()
        login = {"email": user.email, "password": PASSWORD}
        assert browser.post("/login", data=login).status_code == 302
        return browser

    counts = []
    for sessions in (2, 40):
        case = portal_case(make_case, counsellor, sessions, (f"Eli {sessions}", f"Fay {sessions}"))
        case.progress_shared = True
        case.partners[1].shares_scores = True  # the partner's check-ins are read too
        db.session.commit()
        counts.append(
            {
                "preview": statements(
                    signed_in(counsellor), count_queries, f"/cases/{case.id}/progress/client/a.pdf"
                ),
                "portal": statements(
                    signed_in(case.partners[0].user), count_queries, "/portal/progress.pdf"
                ),
            }
        )
    assert counts[0] == counts[1], counts
    assert max(counts[1].values()) <= BUDGET, counts


# --- Secure messages -----------------------------------------------------------------


def add_threads(cases, messages_each: int) -> None:
    """Each case gets ``messages_each`` messages in each of its threads, by both sides."""
    for case in cases:
        for slot in ("a", "b", "joint"):
            for n in range(messages_each):
                writer = case.partners[0 if slot != "b" else 1] if n % 2 else None
                add_message(case, slot, f"Message {n}", by=writer, notify=False)


def test_the_inbox_and_the_dashboards_count_run_the_same_queries_for_5_cases_and_60(
    app, client, as_counsellor, count_queries, make_case
):
    def measure() -> dict[str, int]:
        return {
            page: statements(client, count_queries, page) for page in ("/dashboard", "/messages/")
        }

    few = [make_case(as_counsellor, (f"Ash {n}", f"Bo {n}")) for n in range(5)]
    add_threads(few, 2)
    small = measure()
    more = [make_case(as_counsellor, (f"Cy {n}", f"Di {n}")) for n in range(55)]
    add_threads(more, 2)
    large = measure()
    assert small == large, (small, large)
    assert max(large.values()) <= BUDGET, large
    assert "messages from clients wait" in client.get("/dashboard").get_data(as_text=True)


def test_a_thread_runs_the_same_queries_for_2_messages_and_60(
    app, make_case, counsellor, count_queries
):
    counts = []
    for messages in (2, 60):
        case = make_case(counsellor, (f"Eli {messages}", f"Fay {messages}"))
        add_threads([case], messages)
        staff = app.test_client()
        assert (
            staff.post("/login", data={"email": counsellor.email, "password": PASSWORD}).status_code
            == 302
        )
        partner = app.test_client()
        login = {"email": case.partners[0].user.email, "password": PASSWORD}
        assert partner.post("/login", data=login).status_code == 302
        counts.append(
            {
                "case threads": statements(staff, count_queries, f"/cases/{case.id}/messages/"),
                "thread": statements(staff, count_queries, f"/cases/{case.id}/messages/joint"),
                "sessions": statements(staff, count_queries, f"/cases/{case.id}/sessions/"),
                "portal list": statements(partner, count_queries, "/portal/messages/"),
                "portal thread": statements(partner, count_queries, "/portal/messages/private"),
            }
        )
    assert counts[0] == counts[1], counts
    assert max(counts[1].values()) <= BUDGET, counts
