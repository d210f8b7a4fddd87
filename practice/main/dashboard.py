"""What needs a counsellor's attention across their caseload.

A fixed number of queries however large the caseload: open cases with safety
concerns or no screening, entries made recently, and homework whose last
period ended unmet. Lists are capped; counts are exact.
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
from practice.progress.csi import Movement, movement
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
    """A partner whose latest CSI-4 moved by a stated rule (practice.progress.csi.movement)."""

    case: Case
    partner: str
    total: int
    previous: int
    moved: Movement

    @property
    def reasons(self) -> tuple[str, ...]:
        return self.moved.reasons


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
    """Partners whose latest CSI-4, against the one before, crossed the 13.5 line or
    changed reliably: falls to look at, rises as good news (two lists, one query each
    way whatever the caseload)."""
    ranked = (
        sa.select(
            CheckIn.case_id,
            CheckIn.partner_id,
            CheckIn.csi_total,
            sa.func.row_number()
            .over(
                partition_by=CheckIn.partner_id,
                order_by=(CheckIn.completed_at.desc(), CheckIn.id.desc()),
            )
            .label("n"),
        )
        .where(CheckIn.case_id.in_(mine))
        .subquery()
    )
    latest: dict[int, list] = defaultdict(list)
    for _, partner_id, total, _ in db.session.execute(
        sa.select(ranked).where(ranked.c.n <= 2).order_by(ranked.c.partner_id, ranked.c.n)
    ):
        latest[partner_id].append(total)
    moves = [
        (pid, totals[0], totals[1], moved)
        for pid, totals in latest.items()
        if len(totals) > 1 and (moved := movement(totals[1], totals[0])) is not None
    ]
    worse = [m for m in moves if m[3].worse][:SHOW]
    better = [m for m in moves if not m[3].worse][:SHOW]
    if not worse and not better:
        return
    partners = {
        p.id: p
        for p in db.session.scalars(
            sa.select(Partner)
            .where(Partner.id.in_([m[0] for m in worse + better]))
            .options(joinedload(Partner.case))
        )
    }

    def flags(found) -> list[Flag]:
        return [
            Flag(partners[pid].case, partners[pid].first_name, total, previous, moved)
            for pid, total, previous, moved in found
        ]

    result.measures = flags(worse)
    result.improved = flags(better)


def _reviews_due(result: Attention, mine) -> None:
    """Open cases past their fifth attended session with no review recorded."""
    attended = (
        sa.select(Session.case_id)
        .where(Session.case_id.in_(mine), Session.status == SessionStatus.ATTENDED)
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
