"""What needs a counsellor's attention across their caseload.

A fixed number of queries however large the caseload: open cases with safety
concerns or no screening, entries made recently, homework whose last period
ended unmet, check-ins that need a look (by the rule in
``practice.progress.change``) and reviews due. Lists are capped; counts are exact.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from practice.auth.models import User
from practice.cases.models import Case, CaseStatus, Partner, first_name
from practice.extensions import db
from practice.homework.adherence import last_ended_period
from practice.homework.models import Assignment, AssignmentStatus, ForWhom, HomeworkEntry
from practice.progress.change import Change, Course, course, drifting_apart
from practice.progress.models import CheckIn, Review
from practice.progress.timeline import FIVE_SESSIONS
from practice.sessions.models import Note, Session, SessionStatus

OPEN = (CaseStatus.INTAKE, CaseStatus.ACTIVE, CaseStatus.PAUSED)
RECENT_DAYS = 7
OVERDUE_WINDOW = 14
SHOW = 10


@dataclass
class Overdue:
    assignment: Assignment
    who: str
    period_end: date


@dataclass
class Flag:
    """A partner's CSI-4 read by the stated rule (``practice.progress.change``): against
    their first check-in, and the one before their latest."""

    case: Case
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
    safety: list[Case] = field(default_factory=list)
    unscreened: list[Case] = field(default_factory=list)
    new_entries: list[HomeworkEntry] = field(default_factory=list)
    new_entry_count: int = 0
    overdue: list[Overdue] = field(default_factory=list)
    overdue_count: int = 0
    unsigned: list[Session] = field(default_factory=list)
    unsigned_count: int = 0
    measures: list[Flag] = field(default_factory=list)
    improved: list[Flag] = field(default_factory=list)
    reviews_due: list[Case] = field(default_factory=list)


def attention(counsellor: User, today: date) -> Attention:
    result = Attention()
    mine = sa.select(Case.id).where(Case.counsellor_id == counsellor.id, Case.status.in_(OPEN))
    result.open_cases = db.session.scalar(sa.select(sa.func.count()).select_from(mine.subquery()))
    flagged = db.session.scalars(
        sa.select(Case)
        .where(
            Case.id.in_(mine), sa.or_(Case.safety_concerns.is_(True), Case.screened_on.is_(None))
        )
        .order_by(Case.label)
        .limit(2 * SHOW)
    ).all()
    result.safety = [c for c in flagged if c.safety_concerns]
    result.unscreened = [c for c in flagged if c.screened_on is None]
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
            joinedload(HomeworkEntry.partner).joinedload(Partner.case),
            joinedload(HomeworkEntry.assignment).joinedload(Assignment.exercise),
        )
        .order_by(HomeworkEntry.created_at.desc(), HomeworkEntry.id.desc())
    ).all()
    result.new_entry_count = rows[0].total if rows else 0
    result.new_entries = [row.HomeworkEntry for row in rows]
    _overdue(result, mine, today)
    _unsigned(result, mine)
    _measures(result, mine)
    _reviews_due(result, mine)
    return result


def _unsigned(result: Attention, mine) -> None:
    """Attended sessions whose note is missing or still a draft.

    One statement finds the oldest few, with their cases and notes, and counts
    them all (a window count over the same rows).
    """
    rows = db.session.execute(
        sa.select(Session, sa.func.count().over().label("total"))
        .outerjoin(Note)
        .where(
            Session.case_id.in_(mine),
            Session.status == SessionStatus.ATTENDED,
            Note.signed_at.is_(None),
        )
        .options(joinedload(Session.case), joinedload(Session.note))
        .order_by(Session.starts_at, Session.id)
        .limit(SHOW)
    ).all()
    result.unsigned_count = rows[0].total if rows else 0
    result.unsigned = [row.Session for row in rows]


def _measures(result: Attention, mine) -> None:
    """The check-ins that need a look, and the good news, by the stated rule.

    A partner's latest check-in needs a look when, against their first, it is a
    reliable fall; or when it is below 13.5 and the first or the one before it was
    not; or when the couple is drifting apart (one partner reliably better, the
    other reliably worse). A reliable rise with none of those is good news. One
    statement reads each partner's first, second-latest and latest totals however
    large the caseload; one more loads the few partners listed.
    """
    order = (CheckIn.completed_at, CheckIn.id)
    ranked = (
        sa.select(
            CheckIn.case_id,
            CheckIn.partner_id,
            CheckIn.csi_total,
            sa.func.row_number()
            .over(partition_by=CheckIn.partner_id, order_by=order)
            .label("from_first"),
            sa.func.row_number()
            .over(partition_by=CheckIn.partner_id, order_by=[o.desc() for o in order])
            .label("from_latest"),
        )
        .where(CheckIn.case_id.in_(mine))
        .subquery()
    )
    totals: dict[int, list[int]] = defaultdict(list)
    case_of: dict[int, int] = {}
    for case_id, partner_id, total, _, _ in db.session.execute(
        sa.select(ranked)
        .where(sa.or_(ranked.c.from_first == 1, ranked.c.from_latest <= 2))
        .order_by(ranked.c.partner_id, ranked.c.from_first)
    ):
        totals[partner_id].append(total)
        case_of[partner_id] = case_id
    courses = {pid: course(found) for pid, found in totals.items()}
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
    if not look and not good:
        return
    partners = {
        p.id: p
        for p in db.session.scalars(
            sa.select(Partner).where(Partner.id.in_(look + good)).options(joinedload(Partner.case))
        )
    }

    def flags(found: list[int]) -> list[Flag]:
        return [
            Flag(
                partners[pid].case,
                partners[pid].first_name,
                courses[pid],
                case_of[pid] in drifting,
            )
            for pid in found
        ]

    result.measures = flags(look)
    result.improved = flags(good)


def _reviews_due(result: Attention, mine) -> None:
    """Open cases past their fifth joint session (every partner came) with no review yet.

    A session is joint when as many partners came as the case has: ``attendees`` only
    ever names partners of the case, once each (``practice.calendar.booking``).
    """
    partners = (
        sa.select(sa.func.count(Partner.id))
        .where(Partner.case_id == Session.case_id)
        .correlate(Session)
        .scalar_subquery()
    )
    attended = (
        sa.select(Session.case_id)
        .where(
            Session.case_id.in_(mine),
            Session.status == SessionStatus.ATTENDED,
            sa.func.json_array_length(Session.attendees) >= partners,
        )
        .group_by(Session.case_id)
        .having(sa.func.count() >= FIVE_SESSIONS)
    )
    result.reviews_due = db.session.scalars(
        sa.select(Case)
        .where(Case.id.in_(attended), ~Case.id.in_(sa.select(Review.case_id)))
        .order_by(Case.label)
        .limit(SHOW)
    ).all()


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
        homework[aid] = (for_whom, cadence, per_week, starts, due)
        partners[aid].append((pid, position, first_name(name)))
    done: dict[tuple[int, int], set[date]] = defaultdict(set)
    for assignment_id, partner_id, day in db.session.execute(
        sa.select(
            HomeworkEntry.assignment_id, HomeworkEntry.partner_id, HomeworkEntry.done_on
        ).where(HomeworkEntry.case_id.in_(mine), HomeworkEntry.done_on >= window)
    ):
        done[(assignment_id, partner_id)].add(day)
    found: list[tuple[date, int, str]] = []
    for aid, (for_whom, cadence, per_week, starts, due) in homework.items():
        period = last_ended_period(cadence, per_week, starts, due, today)
        if period is None or (today - period.end).days > OVERDUE_WINDOW:
            continue
        people = partners[aid]
        if for_whom is ForWhom.TOGETHER:
            groups = [("Together", [pid for pid, _, _ in people])]
        elif for_whom is ForWhom.EACH:
            groups = [(first, [pid]) for pid, _, first in people]
        else:
            groups = [(first, [pid]) for pid, pos, first in people if pos == for_whom.value]
        for who, ids in groups:
            days = {d for pid in ids for d in done.get((aid, pid), ()) if d in period}
            if len(days) < period.target:
                found.append((period.end, aid, who))
    found.sort(key=lambda f: (f[0], f[1]), reverse=True)
    result.overdue_count = len(found)
    shown = found[:SHOW]
    loaded = {
        a.id: a
        for a in db.session.scalars(
            sa.select(Assignment)
            .where(Assignment.id.in_([aid for _, aid, _ in shown]))
            .options(joinedload(Assignment.exercise), joinedload(Assignment.case))
        )
    }
    result.overdue = [Overdue(loaded[aid], who, end) for end, aid, who in shown]
