"""The content of each report, as plain data gathered from the database.

Views load what a report needs through the usual access helpers, then hand it
to these builders; templates only ever see the dataclasses below (strings,
numbers and dates), never ORM objects, so a report shows exactly what was
chosen for it — and a handout can hold nothing of the session's note.
"""

import re
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from markupsafe import Markup

from practice import audience
from practice.admin.models import PracticeSettings
from practice.cases.models import Case, CaseStatus, Partner
from practice.catalogue.models import ExerciseContent
from practice.dates import format_date, format_datetime, local
from practice.extensions import db
from practice.homework.models import Assignment, HomeworkEntry
from practice.plans.printed import CounsellorSheet, counsellor_sheet
from practice.progress.data import Progress, progress_for_case
from practice.progress.figures import csi_chart, figures, period_figures
from practice.progress.periods import (
    CheckInsInPeriod,
    SessionPeriod,
    check_ins_by_period,
    grouped,
    in_fives,
)
from practice.sessions.models import Session, SessionStatus

CONFIDENTIAL = "Confidential: prepared for {who} by {practice}. Please keep it private."


@dataclass(frozen=True)
class Letterhead:
    practice: str
    address: tuple[str, ...]
    title: str
    case_label: str
    dated: str
    page_size: str
    confidentiality: str


def letterhead(
    settings: PracticeSettings, title: str, case_label: str, dated: date, who: str | None = None
) -> Letterhead:
    return Letterhead(
        practice=settings.name,
        address=tuple(
            line.strip() for line in (settings.address or "").splitlines() if line.strip()
        ),
        title=title,
        case_label=case_label,
        dated=format_date(dated),
        page_size=settings.page_size,
        confidentiality=CONFIDENTIAL.format(who=who or case_label, practice=settings.name),
    )


@dataclass(frozen=True)
class ExerciseSheet:
    title: str
    who: str
    cadence: str
    minutes: int
    instructions: str
    prompts: tuple[str, ...]
    counsellor_words: str = ""
    starts: str = ""
    due: str = ""


def exercise_sheet(
    content: ExerciseContent, assignment: Assignment | None = None, case: Case | None = None
) -> ExerciseSheet:
    """An exercise as printed: the catalogue's text, plus the couple's details if assigned."""
    if assignment is None:
        return ExerciseSheet(
            content.title,
            content.who_label,
            content.cadence_label,
            content.minutes,
            content.instructions,
            tuple(content.prompts),
        )
    return ExerciseSheet(
        content.title,
        assignment.for_label(case),
        assignment.cadence_label,
        content.minutes,
        content.instructions,
        tuple(content.prompts),
        assignment.counsellor_note or "",
        format_date(assignment.starts_on),
        format_date(assignment.due_on) if assignment.due_on else "",
    )


@dataclass(frozen=True)
class Worksheet:
    head: Letterhead
    sheet: ExerciseSheet
    personal: bool


@dataclass(frozen=True)
class Handout:
    head: Letterhead
    session_when: str
    ordinal: int | None
    summary: str
    homework: tuple[ExerciseSheet, ...]
    next_appointment: str
    resources: tuple[str, ...]


def handout(session: Session, reader: Partner, settings: PracticeSettings, now) -> Handout:
    """One partner's handout of a session they came to: never the note, only what is theirs.

    The homework is what was given at this session (``Assignment.session_id``) and the
    reader is in the audience of, so the handout reads the same whenever it is made;
    the next appointment is the reader's own; the session's number counts the
    sessions the reader came to, so the other partner's individual sessions leave
    no trace in it. Support resources are printed on every handout alike.
    """
    case = session.case
    given = db.session.scalars(
        sa.select(Assignment)
        .where(Assignment.session_id == session.id)
        .options(sa.orm.joinedload(Assignment.exercise))
        .order_by(Assignment.id)
    ).all()
    theirs = audience.handout_sessions(
        reader,
        db.session.scalars(
            sa.select(Session)
            .where(Session.case_id == case.id, Session.status == SessionStatus.ATTENDED)
            .order_by(Session.starts_at, Session.id)
        ),
    )
    following = audience.sessions_for(
        reader,
        db.session.scalars(
            sa.select(Session)
            .where(
                Session.case_id == case.id,
                Session.status == SessionStatus.SCHEDULED,
                Session.starts_at > max(session.starts_at, now),
            )
            .order_by(Session.starts_at)
        ),
    )
    ordinal = next((n for n, s in enumerate(theirs, 1) if s.id == session.id), None)
    return Handout(
        head=letterhead(settings, "Session handout", reader.name, local(session.starts_at).date()),
        session_when=format_datetime(session.starts_at),
        ordinal=ordinal,
        summary=session.handout_summary or "",
        homework=tuple(
            exercise_sheet(a.exercise, a, case)
            for a in audience.readable(reader, given, audience.of_assignment)
        ),
        next_appointment=format_datetime(following[0].starts_at) if following else "",
        resources=support_lines(settings),
    )


def support_lines(settings: PracticeSettings) -> tuple[str, ...]:
    """The practice's support resources, a line each, as every client is shown them."""
    return tuple(line for line in (settings.support_resources or "").splitlines() if line.strip())


@dataclass(frozen=True)
class ProgressReport:
    head: Letterhead
    p: Progress
    charts: dict[str, Markup | None]
    # Set when a long case is printed five sessions at a time (see practice.progress.periods).
    periods: tuple[SessionPeriod, ...] = ()
    check_ins: tuple[CheckInsInPeriod, ...] = ()
    # Work together is paused (practice.cases.pauses): the timeline and staging wait.
    paused: bool = False
    # The treatment plan in force, all of it (practice.plans.printed).
    plan: CounsellorSheet | None = None


def progress_report(case: Case, settings: PracticeSettings, today: date) -> ProgressReport:
    progress = progress_for_case(case, today)
    head = letterhead(settings, "Progress report", case.label, today)
    plan = counsellor_sheet(case, today)
    if not grouped(progress):
        return ProgressReport(
            head, progress, figures(progress), paused=case.joint_paused, plan=plan
        )
    periods = in_fives(progress)
    charts = {"csi": csi_chart(progress)} | period_figures(periods, progress.intervals[-1])
    return ProgressReport(
        head,
        progress,
        charts,
        tuple(periods),
        tuple(check_ins_by_period(progress, periods)),
        paused=case.joint_paused,
        plan=plan,
    )


@dataclass(frozen=True)
class Helped:
    title: str
    helpful: float
    entries: int


@dataclass(frozen=True)
class Course:
    """A case's course of treatment as a closing summary opens with it, the counsellor's
    copy and each partner's alike."""

    closed: bool
    start: str
    end: str
    weeks: int
    goals: str
    closing_note: str


def course_of(case: Case, today: date) -> Course:
    """From the case's start to the day it closed (to ``today`` while it is open)."""
    ended = local(case.closed_at).date() if case.closed_at else today
    return Course(
        closed=case.status is CaseStatus.CLOSED,
        start=format_date(case.start_date),
        end=format_date(ended),
        weeks=max(1, (ended - case.start_date).days // 7),
        goals=case.goals or "",
        closing_note=case.closing_note or "",
    )


@dataclass(frozen=True)
class ClosingSummary:
    head: Letterhead
    course: Course
    p: Progress
    helped: tuple[Helped, ...] = field(default_factory=tuple)
    entries: int = 0


def closing_summary(case: Case, settings: PracticeSettings, today: date) -> ClosingSummary:
    helped, entries = what_helped(sa.select(Assignment).where(Assignment.case_id == case.id))
    return ClosingSummary(
        head=letterhead(settings, "Closing summary", case.label, today),
        course=course_of(case, today),
        p=progress_for_case(case, today),
        helped=helped,
        entries=entries,
    )


def what_helped(assignments: sa.Select, *entries_where) -> tuple[tuple[Helped, ...], int]:
    """The five exercises of ``assignments`` rated most helpful in their entries (those
    matching ``entries_where``), and how many entries there were in all."""
    rows = db.session.execute(
        assignments.with_only_columns(
            Assignment.exercise_version_id,
            sa.func.avg(HomeworkEntry.helpful),
            sa.func.count(HomeworkEntry.id),
        )
        .join(HomeworkEntry, HomeworkEntry.assignment_id == Assignment.id)
        .where(*entries_where)
        .group_by(Assignment.exercise_version_id)
    ).all()
    titles = {
        a.exercise_version_id: a.exercise.title
        for a in db.session.scalars(assignments.options(sa.orm.joinedload(Assignment.exercise)))
    }
    helped = sorted(
        (Helped(titles[v], round(float(avg), 1), n) for v, avg, n in rows),
        key=lambda h: (-h.helpful, -h.entries),
    )[:5]
    return tuple(helped), sum(n for _, _, n in rows)


def download_name(kind: str, label: str, dated: date | str) -> str:
    """``handout-alex-jordan-morgan-2026-11-21.pdf``; non-ASCII names fall back to "case"."""
    slug = re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")[:50].strip("-") or "case"
    return f"{kind}-{slug}-{dated}.pdf"
