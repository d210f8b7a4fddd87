"""What needs a counsellor's attention across their caseload.

A fixed number of queries however large the caseload: open cases with safety
concerns or no screening, entries made recently, homework whose last period
ended unmet, check-ins that need a look (by the rule in
``practice.progress.change``) and reviews due. Lists are capped; counts are exact.
What would otherwise read each case's whole history (unsigned notes, CSI-4 totals,
joint sessions) comes from the cases' summaries, ``practice.main.summary``.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import defer, joinedload

from practice.auth.models import User
from practice.cases.models import Case, CaseStatus, Partner, first_name
from practice.catalogue.models import ExerciseVersion
from practice.extensions import db
from practice.homework.adherence import HomeworkSchedule
from practice.homework.models import Assignment, AssignmentStatus, ForWhom, HomeworkEntry
from practice.main.summary import CaseSummary, csi_totals
from practice.progress.change import Change, Course, course, drifting_apart
from practice.progress.models import Review
from practice.progress.timeline import FIVE_SESSIONS
from practice.sessions.models import Note, Session, SessionStatus

OPEN = (CaseStatus.INTAKE, CaseStatus.ACTIVE, CaseStatus.PAUSED)
RECENT_DAYS = 7
OVERDUE_WINDOW = 14
SHOW = 10
#: What the lists load but never show: encrypted, so decrypting it is most of its cost.
UNREAD_SESSION = [
    defer(column)
    for column in (
        Session.handout_summary,
        Session.cancel_reason,
        Session.joint_reason,
        Session.consent_reason,
    )
]


@dataclass
class Overdue:
    assignment: Assignment
    who: str
    period_end: date


@dataclass(frozen=True)
class Standing:
    """An open case as the dashboard lists it: read as plain columns with its summary."""

    id: int
    label: str
    safety_concerns: bool
    screened: bool
    reviewed: bool  # has had a five-session review
    unsigned_notes: int
    joint_sessions: int


@dataclass
class Flag:
    """A partner's CSI-4 read by the stated rule (``practice.progress.change``): against
    their first check-in, and the one before their latest."""

    case: Standing
    partner: str
    course: Course
    drifting: bool  # the case's partners are drifting apart

    @property
    def baseline(self) -> int:
        return self.course.baseline

    @property
    def total(self) -> int:
        return self.course.latest

    @property
    def reasons(self) -> tuple[str, ...]:
        found = []
        if self.course.change is Change.DETERIORATED:
            found.append("reliable fall since the first check-in")
        if self.course.fell_below:
            found.append("fell below 13.5")
        if self.drifting:
            found.append("partners drifting apart")
        if not found and self.course.change is Change.RECOVERED:
            found.append("recovered: a reliable rise to 13.5 or above")
        elif not found and self.course.change is Change.IMPROVED:
            found.append("reliable rise since the first check-in")
        return tuple(found)


@dataclass
class Attention:
    open_cases: int = 0
    safety: list[Standing] = field(default_factory=list)
    unscreened: list[Standing] = field(default_factory=list)
    new_entries: list[HomeworkEntry] = field(default_factory=list)
    new_entry_count: int = 0
    overdue: list[Overdue] = field(default_factory=list)
    overdue_count: int = 0
    unsigned: list[Session] = field(default_factory=list)
    unsigned_count: int = 0
    measures: list[Flag] = field(default_factory=list)
    improved: list[Flag] = field(default_factory=list)
    reviews_due: list[Standing] = field(default_factory=list)


def attention(counsellor: User, today: date) -> Attention:
    result = Attention()
    mine = sa.select(Case.id).where(Case.counsellor_id == counsellor.id, Case.status.in_(OPEN))
    cases = _standing(result, counsellor)
    since = today - timedelta(days=RECENT_DAYS)
    # The newest few picked by id first, so the sort runs over narrow rows; the
    # window counts every recent entry before the limit keeps the few.
    newest = (
        sa.select(HomeworkEntry.id, sa.func.count().over().label("total"))
        .where(HomeworkEntry.case_id.in_(mine), HomeworkEntry.done_on >= since)
        .order_by(HomeworkEntry.created_at.desc(), HomeworkEntry.id.desc())
        .limit(SHOW)
        .subquery()
    )
    rows = db.session.execute(
        sa.select(HomeworkEntry, newest.c.total)
        .join(newest, newest.c.id == HomeworkEntry.id)
        .options(
            defer(HomeworkEntry.answers),
            joinedload(HomeworkEntry.partner).joinedload(Partner.case).load_only(Case.label),
            joinedload(HomeworkEntry.assignment).options(
                defer(Assignment.counsellor_note),
                joinedload(Assignment.exercise).load_only(ExerciseVersion.title),
            ),
        )
        .order_by(HomeworkEntry.created_at.desc(), HomeworkEntry.id.desc())
    ).all()
    result.new_entry_count = rows[0].total if rows else 0
    result.new_entries = [row.HomeworkEntry for row in rows]
    _overdue(result, mine, today)
    _unsigned(result, [c for c in cases.values() if c.unsigned_notes])
    return result


def _standing(result: Attention, counsellor: User) -> dict[int, Standing]:
    """The open cases with their partners and summaries (``practice.main.summary``), in
    one statement: the count of open cases, the safety lists, the CSI-4 flags and the
    reviews due are all read from it.
    """
    reviewed = sa.exists().where(Review.case_id == Case.id)
    rows = db.session.execute(
        sa.select(
            Case.id,
            Case.label,
            Case.safety_concerns,
            Case.screened_on,
            reviewed.label("reviewed"),
            Partner.id.label("partner_id"),
            Partner.position,
            Partner.name,
            *[c for c in CaseSummary.__table__.c if c.name != "case_id"],
        )
        .outerjoin(Partner, Partner.case_id == Case.id)
        .outerjoin(CaseSummary, CaseSummary.case_id == Case.id)
        .where(Case.counsellor_id == counsellor.id, Case.status.in_(OPEN))
        .order_by(Case.id, Partner.position)
    ).all()
    cases: dict[int, Standing] = {}
    partners = []
    for row in rows:
        if row.id not in cases:
            cases[row.id] = Standing(
                row.id,
                row.label,
                row.safety_concerns,
                row.screened_on is not None,
                row.reviewed,
                row.unsigned_notes or 0,
                row.joint_sessions or 0,
            )
        if row.partner_id is not None:
            partners.append(row)
    result.open_cases = len(cases)
    flagged = sorted(
        (c for c in cases.values() if c.safety_concerns or not c.screened), key=lambda c: c.label
    )[: 2 * SHOW]
    result.safety = [c for c in flagged if c.safety_concerns]
    result.unscreened = [c for c in flagged if not c.screened]
    _measures(result, cases, sorted(partners, key=lambda r: r.partner_id))
    result.reviews_due = sorted(
        (
            case
            for case in cases.values()
            if case.joint_sessions >= FIVE_SESSIONS and not case.reviewed
        ),
        key=lambda c: c.label,
    )[:SHOW]
    return cases


def _unsigned(result: Attention, cases: list[Standing]) -> None:
    """Attended sessions whose note is missing or still a draft: counted by the cases'
    summaries, the oldest few listed with their cases and notes."""
    result.unsigned_count = sum(c.unsigned_notes for c in cases)
    if not cases:
        return
    result.unsigned = db.session.scalars(
        sa.select(Session)
        .outerjoin(Note)
        .where(
            Session.case_id.in_([c.id for c in cases]),
            Session.status == SessionStatus.ATTENDED,
            Note.signed_at.is_(None),
        )
        .options(
            *UNREAD_SESSION,
            joinedload(Session.case),
            joinedload(Session.note).load_only(Note.id, Note.signed_at),
        )
        .order_by(Session.starts_at, Session.id)
        .limit(SHOW)
    ).all()


def _measures(result: Attention, cases: dict[int, Standing], partners: list) -> None:
    """The check-ins that need a look, and the good news, by the stated rule.

    A partner's latest check-in needs a look when, against their first, it is a
    reliable fall; or when it is below 13.5 and the first or the one before it was
    not; or when the couple is drifting apart (one partner reliably better, the
    other reliably worse). A reliable rise with none of those is good news. Each
    partner's first, second-latest and latest totals come with the case's summary.
    """
    courses: dict[int, Course] = {}
    case_of: dict[int, int] = {}
    names: dict[int, str] = {}
    for row in partners:
        totals = csi_totals(row, row.position)
        if totals:
            courses[row.partner_id] = course(totals)
            case_of[row.partner_id] = row.id
            names[row.partner_id] = first_name(row.name)
    partners_of: dict[int, list[int]] = defaultdict(list)
    for pid, case_id in case_of.items():
        partners_of[case_id].append(pid)
    drifting = {
        case_id
        for case_id, pids in partners_of.items()
        if drifting_apart(courses[pid].change for pid in pids)
    }
    look = [pid for pid, c in courses.items() if c.needs_a_look or case_of[pid] in drifting][:SHOW]
    good = [pid for pid, c in courses.items() if c.good_news and case_of[pid] not in drifting][
        :SHOW
    ]

    def flags(found: list[int]) -> list[Flag]:
        return [
            Flag(cases[case_of[pid]], names[pid], courses[pid], case_of[pid] in drifting)
            for pid in found
        ]

    result.measures = flags(look)
    result.improved = flags(good)


def _overdue(result: Attention, mine, today: date) -> None:
    """Homework whose last period ended unmet, newest first.

    Every active assignment of the caseload is weighed, so this reads bare columns
    (one row per assignment and partner) and loads whole assignments only for the
    few it lists: a caseload holds thousands of assignments.
    """
    window = today - timedelta(days=OVERDUE_WINDOW + 31)
    rows = db.session.execute(
        sa.select(
            Assignment.id,
            Assignment.for_whom,
            Assignment.cadence,
            Assignment.per_week,
            Assignment.starts_on,
            Assignment.due_on,
            Partner.id,
            Partner.position,
            Partner.name,
        )
        .join(Partner, Partner.case_id == Assignment.case_id)
        .where(
            Assignment.case_id.in_(mine),
            Assignment.status == AssignmentStatus.ACTIVE,
            Assignment.starts_on < today,
            sa.or_(Assignment.due_on.is_(None), Assignment.due_on >= window),
        )
        .order_by(Assignment.id, Partner.position)
    )
    homework: dict[int, tuple] = {}
    partners: dict[int, list[tuple[int, str, str]]] = defaultdict(list)
    for aid, for_whom, cadence, per_week, starts, due, pid, position, name in rows:
        homework[aid] = (for_whom, HomeworkSchedule(cadence, per_week, starts, due))
        partners[aid].append((pid, position, name))
    done: dict[tuple[int, int], set[date]] = defaultdict(set)
    for assignment_id, partner_id, day in db.session.execute(
        sa.select(
            HomeworkEntry.assignment_id, HomeworkEntry.partner_id, HomeworkEntry.done_on
        ).where(HomeworkEntry.case_id.in_(mine), HomeworkEntry.done_on >= window)
    ):
        done[(assignment_id, partner_id)].add(day)
    found: list[tuple[date, int, str | None]] = []
    for aid, (for_whom, schedule) in homework.items():
        period = schedule.last_ended_period(today)
        if period is None or (today - period.end).days > OVERDUE_WINDOW:
            continue
        people = partners[aid]
        if for_whom is ForWhom.TOGETHER:
            groups = [(None, [pid for pid, _, _ in people])]
        elif for_whom is ForWhom.EACH:
            groups = [(name, [pid]) for pid, _, name in people]
        else:
            groups = [(name, [pid]) for pid, pos, name in people if pos == for_whom.value]
        for name, ids in groups:  # a partner's full name; None: together
            days = {d for pid in ids for d in done.get((aid, pid), ()) if d in period}
            if len(days) < period.target:
                found.append((period.end, aid, name))
    found.sort(key=lambda f: (f[0], f[1]), reverse=True)
    result.overdue_count = len(found)
    shown = found[:SHOW]
    loaded = {
        a.id: a
        for a in db.session.scalars(
            sa.select(Assignment)
            .where(Assignment.id.in_([aid for _, aid, _ in shown]))
            .options(
                defer(Assignment.counsellor_note),
                joinedload(Assignment.exercise).load_only(ExerciseVersion.title),
                joinedload(Assignment.case).load_only(Case.label),
            )
        )
    }
    result.overdue = [
        Overdue(loaded[aid], "Together" if name is None else first_name(name), end)
        for end, aid, name in shown
    ]
