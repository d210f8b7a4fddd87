"""Everything the progress view shows, gathered as plain data.

:func:`progress_for_case` reads a case's sessions, check-ins, homework, markers
and review in a fixed handful of queries and returns dataclasses holding only
numbers, dates and strings. The page, its charts and the PDF progress report
are all drawn from this one result.
"""

from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa

from practice.cases.models import Case
from practice.dates import local
from practice.extensions import db
from practice.homework.adherence import percent_kept
from practice.homework.services import case_assignments, entry_days, people_for, schedule_kept
from practice.progress.change import (
    COUNSELLOR_WORDS,
    MEANINGS,
    RELIABLE_POINTS,
    Change,
    Course,
    course,
    drifting_apart,
    smallest_reliable_change,
)
from practice.progress.csi import DISTRESS_CUTOFF, distressed
from practice.progress.models import ChangeMarker, CheckIn, Marker, NegativeCycle
from practice.progress.reviews import ReviewSummary, reviews_of
from practice.progress.stage import latest_step, stage_of
from practice.progress.timeline import (
    TIMELINE,
    FiveSessionMark,
    Position,
    five_session_mark,
    joint,
    timeline_position,
)
from practice.sessions.models import Session, SessionStatus
from practice.vocabulary import BUILDING_BLOCKS, CYCLE_POSITIONS, EFT_STAGES, EFT_STEPS


@dataclass(frozen=True)
class SessionPoint:
    ordinal: int
    session_id: int
    on: date
    step: int | None
    blocks: dict[str, int]
    joint: bool = True  # every partner came; False: one partner alone

    @property
    def stage(self) -> int | None:
        return stage_of(self.step)


@dataclass(frozen=True)
class CheckInPoint:
    on: date
    total: int
    answers: tuple[int, int, int, int]
    blocks: dict[str, int]
    entered_by_counsellor: bool

    @property
    def distressed(self) -> bool:
        return distressed(self.total)


def check_in_point(c: CheckIn, counsellor_id: int) -> CheckInPoint:
    """A check-in as plain data; ``counsellor_id`` tells one typed in by the counsellor."""
    return CheckInPoint(
        local(c.completed_at).date(),
        c.csi_total,
        c.answers,
        dict(c.blocks or {}),
        c.entered_by_id == counsellor_id,
    )


@dataclass
class PartnerMeasures:
    name: str
    position: str
    check_ins: list[CheckInPoint] = field(default_factory=list)

    @property
    def first(self) -> CheckInPoint | None:
        return self.check_ins[0] if self.check_ins else None

    @property
    def latest(self) -> CheckInPoint | None:
        return self.check_ins[-1] if self.check_ins else None

    @property
    def change(self) -> int | None:
        if len(self.check_ins) < 2:
            return None
        return self.latest.total - self.first.total

    def on(self, day: date) -> CheckInPoint | None:
        """The partner's last check-in of ``day``, if any."""
        found = [c for c in self.check_ins if c.on == day]
        return found[-1] if found else None

    @property
    def course(self) -> Course:
        """The partner's totals read by the reliable-change rule (practice.progress.change)."""
        return course(c.total for c in self.check_ins)

    @property
    def change_class(self) -> Change | None:
        return self.course.change

    @property
    def change_label(self) -> str:
        """The class of the change since the first check-in, in a counsellor's words."""
        if self.change_class is not None:
            return COUNSELLOR_WORDS[self.change_class]
        return "No check-in yet" if not self.check_ins else "One check-in: nothing to compare yet"

    @property
    def change_short(self) -> str:
        if self.change_class is not None:
            return self.change_class.label
        return "–"

    @property
    def change_meaning(self) -> str:
        """What the class means, without its label; for a partner with no class, why."""
        if self.change_class is not None:
            return MEANINGS[self.change_class]
        return self.change_label


@dataclass(frozen=True)
class CycleSummary:
    position_a: str
    position_b: str
    description: str


def _cycle(cycle: NegativeCycle | None) -> CycleSummary | None:
    if cycle is None:
        return None
    return CycleSummary(
        CYCLE_POSITIONS.get(cycle.position_a, cycle.position_a),
        CYCLE_POSITIONS.get(cycle.position_b, cycle.position_b),
        cycle.description,
    )


class KeptUp:
    """Homework kept up over a span of time: ``made`` of the ``expected`` entries."""

    made: int
    expected: int

    @property
    def percent(self) -> int | None:
        return percent_kept(self.made, self.expected)


@dataclass(frozen=True)
class Interval(KeptUp):
    label: str
    start: date
    end: date
    made: int
    expected: int


@dataclass
class Progress:
    case_id: int
    case_label: str
    start: date
    today: date
    sessions: list[SessionPoint]
    partners: list[PartnerMeasures]
    intervals: list[Interval]
    five: FiveSessionMark
    reviews: list[ReviewSummary]
    timeline: Position
    markers: list[tuple[str, int | None, date | None]]  # label, session ordinal, date
    cycle: CycleSummary | None

    cutoff = DISTRESS_CUTOFF
    reliable_points = RELIABLE_POINTS
    smallest_change = smallest_reliable_change()
    blocks = BUILDING_BLOCKS
    stages = EFT_STAGES
    steps = EFT_STEPS
    timeline_steps = TIMELINE

    @property
    def check_in_days(self) -> list[date]:
        return sorted({c.on for partner in self.partners for c in partner.check_ins})

    @property
    def review(self) -> ReviewSummary | None:
        """The latest review recorded, if any."""
        return self.reviews[-1] if self.reviews else None

    @property
    def drifting_apart(self) -> bool:
        """One partner reliably better since their first check-in, the other reliably worse."""
        return drifting_apart(partner.change_class for partner in self.partners)

    @property
    def latest_step(self) -> int | None:
        return latest_step(s.step for s in self.sessions)

    @property
    def block_baseline(self) -> dict[str, int]:
        rated = [s.blocks for s in self.sessions if s.blocks]
        return rated[0] if rated else {}

    @property
    def block_latest(self) -> dict[str, int]:
        rated = [s.blocks for s in self.sessions if s.blocks]
        return rated[-1] if rated else {}


def _intervals(case: Case, sessions: list[SessionPoint], today: date) -> list[Interval]:
    """Homework made against expected between one attended session and the next."""
    bounds = [s.on for s in sessions]
    labels = (
        (["Before session 1"] if bounds else [])
        + [
            f"Sessions {a.ordinal}–{b.ordinal}"
            for a, b in zip(sessions, sessions[1:], strict=False)
        ]
        + ([f"Since session {sessions[-1].ordinal}"] if sessions else ["So far"])
    )
    edges = [case.start_date, *bounds, today]
    made = defaultdict(int)
    expected = defaultdict(int)
    days = entry_days(case)
    for assignment in case_assignments(case):
        schedule = schedule_kept(assignment)
        for partner in people_for(assignment, case):
            ids = [p.id for p in case.partners] if partner is None else [partner.id]
            done = {d for pid in ids for d in days.get((assignment.id, pid), [])}
            for period, counted, wanted in schedule.counted_periods(done, today):
                slot = min(bisect_left(edges, period.end, 1) - 1, len(edges) - 2)
                made[slot] += counted
                expected[slot] += wanted
    return [
        Interval(label, edges[i], edges[i + 1], made[i], expected[i])
        for i, label in enumerate(labels)
    ]


def progress_for_case(case: Case, today: date) -> Progress:
    attended = db.session.scalars(
        sa.select(Session)
        .where(Session.case_id == case.id, Session.status == SessionStatus.ATTENDED)
        .order_by(Session.starts_at, Session.id)
    ).all()
    positions = [p.position for p in case.partners]
    sessions = [
        SessionPoint(
            n,
            s.id,
            local(s.starts_at).date(),
            s.eft_step,
            dict(s.block_ratings or {}),
            joint(s.attendees or (), positions),
        )
        for n, s in enumerate(attended, 1)
    ]
    by_partner = {p.id: PartnerMeasures(p.first_name, p.position) for p in case.partners}
    for c in db.session.scalars(
        sa.select(CheckIn)
        .where(CheckIn.case_id == case.id)
        .order_by(CheckIn.completed_at, CheckIn.id)
    ):
        if c.partner_id in by_partner:
            by_partner[c.partner_id].check_ins.append(check_in_point(c, case.counsellor_id))
    ordinal_of = {s.session_id: s for s in sessions}
    markers = []
    found = {
        m.marker: m
        for m in db.session.scalars(sa.select(ChangeMarker).where(ChangeMarker.case_id == case.id))
    }
    for marker, label in Marker.labels().items():
        seen = found.get(marker)
        point = ordinal_of.get(seen.session_id) if seen else None
        markers.append((label, point.ordinal if point else None, point.on if point else None))
    reviews = reviews_of(case)
    together = sum(1 for s in sessions if s.joint)
    return Progress(
        case_id=case.id,
        case_label=case.label,
        start=case.start_date,
        today=today,
        sessions=sessions,
        partners=list(by_partner.values()),
        intervals=_intervals(case, sessions, today),
        five=five_session_mark(together, bool(reviews), len(sessions) - together),
        reviews=reviews,
        timeline=timeline_position(case.start_date, today),
        markers=markers,
        cycle=_cycle(db.session.get(NegativeCycle, case.id)),
    )
