"""Where each objective of a plan stands, from the case's own data.

:func:`case_measures` reads, for the counsellor, everything an objective can be
measured by: each partner's check-ins (CSI-4 totals, building-block ratings),
the counsellor's building-block ratings of attended sessions, and each
partner's homework adherence. :func:`reader_measures` reads the same for one
partner's own copy of the progress report, and only what that reader may see
(``practice.audience.of_measure``): their own check-ins and homework, counted
from the entries they may read, and the other partner's check-ins only while
that partner lets them. Each runs a fixed handful of queries.

:func:`standing` is plain: one objective against those readings.
"""

from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa

from practice import audience
from practice.cases.models import Case, Partner
from practice.dates import local
from practice.extensions import db
from practice.homework.models import Assignment, ForWhom
from practice.homework.services import entry_days, schedule_kept
from practice.plans.content import COUPLE, Objective
from practice.plans.readings import HomeworkLine, adherence_readings
from practice.plans.status import Reading, Status, overall, status
from practice.progress.models import CheckIn
from practice.sessions.models import Session, SessionStatus

COUNSELLOR = "counsellor"


@dataclass
class CaseMeasures:
    """Readings by person ("a", "b", or "counsellor" for the counsellor's ratings)."""

    positions: tuple[str, ...]
    csi: dict[str, list[Reading]] = field(default_factory=dict)
    blocks: dict[tuple[str, str], list[Reading]] = field(default_factory=dict)  # (who, block)
    adherence: dict[str, list[Reading]] = field(default_factory=dict)
    # (who, kind) pairs that may be shown; None: every one (the counsellor's view).
    shown: frozenset[tuple[str, str]] | None = None

    def may_show(self, who: str, kind: str) -> bool:
        return self.shown is None or (who, kind) in self.shown

    def readings(self, who: str, objective: Objective) -> list[Reading]:
        if objective.kind == "csi":
            return self.csi.get(who, [])
        if objective.kind == "block":
            return self.blocks.get((who, objective.block), [])
        return self.adherence.get(who, [])


@dataclass(frozen=True)
class Part:
    who: str  # "a", "b" or "counsellor"
    status: Status
    latest: Reading | None


@dataclass(frozen=True)
class Standing:
    """An objective and where it stands, in the parts its reader may see."""

    objective: Objective
    parts: tuple[Part, ...]
    whole: bool  # every part is shown: the objective's own status can be told

    @property
    def status(self) -> Status | None:
        return overall(p.status for p in self.parts) if self.whole else None


def people(objective: Objective, positions: tuple[str, ...]) -> list[str]:
    """Whose readings an objective is measured on."""
    if objective.by_counsellor:
        return [COUNSELLOR]
    if objective.whose == COUPLE:
        return list(positions)
    return [objective.whose]


def standing(objective: Objective, measures: CaseMeasures, today: date) -> Standing:
    """Where ``objective`` stands on ``today``, in the parts ``measures`` may show."""
    parts, whole = [], True
    for who in people(objective, measures.positions):
        if not measures.may_show(who, objective.kind):
            whole = False
            continue
        readings = measures.readings(who, objective)
        parts.append(
            Part(
                who,
                status(readings, objective.target, objective.by, today),
                readings[-1] if readings else None,
            )
        )
    return Standing(objective, tuple(parts), whole)


# --- Gathering the readings --------------------------------------------------------


def case_measures(case: Case, today: date) -> CaseMeasures:
    """Every reading of the case, for the counsellor."""
    positions = tuple(p.position for p in case.partners)
    measures = CaseMeasures(positions)
    by_id = {p.id: p.position for p in case.partners}
    _check_ins(measures, sa.select(CheckIn).where(CheckIn.case_id == case.id), by_id)
    for session in db.session.scalars(
        sa.select(Session)
        .where(Session.case_id == case.id, Session.status == SessionStatus.ATTENDED)
        .order_by(Session.starts_at, Session.id)
    ):
        on = local(session.starts_at).date()
        for block, value in (session.block_ratings or {}).items():
            measures.blocks.setdefault((COUNSELLOR, block), []).append(Reading(on, value))
    assignments = db.session.scalars(
        sa.select(Assignment).where(Assignment.case_id == case.id).order_by(Assignment.id)
    ).all()
    days = entry_days(case)
    for partner in case.partners:
        lines = [
            _line(a, _days_of(a, partner, case.partners, days))
            for a in assignments
            if partner.position in audience.given_to(a)
        ]
        measures.adherence[partner.position] = adherence_readings(lines, today)
    return measures


def reader_measures(reader: Partner, today: date) -> CaseMeasures:
    """The readings ``reader`` may see, for their own copy of the progress report."""
    case = reader.case
    positions = tuple(p.position for p in case.partners)
    shown = {(reader.position, kind) for kind in ("csi", "block", "adherence")}
    writers = [reader]
    partner = audience.other_partner(reader)
    if partner is not None and audience.may_read(reader, audience.of_measure("csi", partner)):
        shown |= {(partner.position, "csi"), (partner.position, "block")}
        writers.append(partner)
    measures = CaseMeasures(positions, shown=frozenset(shown))
    _check_ins(
        measures,
        sa.select(CheckIn).where(CheckIn.partner_id.in_([p.id for p in writers])),
        {p.id: p.position for p in writers},
    )
    assignments = db.session.scalars(audience.assignments_for(reader).order_by(Assignment.id))
    days = entry_days(case, reader)
    lines = [_line(a, _days_of(a, reader, case.partners, days)) for a in assignments]
    measures.adherence[reader.position] = adherence_readings(lines, today)
    return measures


def _check_ins(measures: CaseMeasures, query: sa.Select, positions: dict[int, str]) -> None:
    for c in db.session.scalars(query.order_by(CheckIn.completed_at, CheckIn.id)):
        who, on = positions[c.partner_id], local(c.completed_at).date()
        measures.csi.setdefault(who, []).append(Reading(on, c.csi_total))
        for block, value in (c.blocks or {}).items():
            measures.blocks.setdefault((who, block), []).append(Reading(on, value))


def _days_of(assignment: Assignment, partner: Partner, partners, days) -> tuple[date, ...]:
    """The days ``partner``'s entries count for: on homework done together, anyone's."""
    if assignment.for_whom is ForWhom.TOGETHER:
        found = {d for p in partners for d in days.get((assignment.id, p.id), [])}
    else:
        found = set(days.get((assignment.id, partner.id), []))
    return tuple(sorted(found))


def _line(assignment: Assignment, days: tuple[date, ...]) -> HomeworkLine:
    return HomeworkLine(schedule_kept(assignment), days)


def standings(objectives, measures: CaseMeasures, today: date) -> list[Standing]:
    """:func:`standing` of each objective, in order."""
    return [standing(o, measures, today) for o in objectives]
