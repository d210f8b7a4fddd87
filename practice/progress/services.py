"""Recording check-ins, and how often they are asked."""

from practice.database import now_utc
from practice.extensions import db
from practice.progress.csi import score
from practice.progress.models import (
    EVERY_SESSION,
    MOST_SESSIONS_APART,
    NOT_SCHEDULED,
    CheckIn,
    CheckInSchedule,
)


def new_check_in(case, partner_id: int, form, by, completed_at) -> CheckIn:
    answers = form.answers()
    check_in = CheckIn(
        case_id=case.id,
        partner_id=partner_id,
        completed_at=completed_at,
        csi_happiness=answers[0],
        csi_warm=answers[1],
        csi_rewarding=answers[2],
        csi_satisfied=answers[3],
        csi_total=score(answers),
        blocks=form.blocks(),
        entered_by_id=by.id,
    )
    db.session.add(check_in)
    return check_in


def set_check_in_schedule(case, every: int, by_id: int) -> CheckInSchedule:
    """Ask the case's partners for a check-in before every ``every``-th session of theirs
    (1: every session; 0: not at all)."""
    if not NOT_SCHEDULED <= every <= MOST_SESSIONS_APART:
        raise ValueError(f"every must be {NOT_SCHEDULED} to {MOST_SESSIONS_APART}")
    schedule = db.session.get(CheckInSchedule, case.id)
    if schedule is None:
        schedule = CheckInSchedule(case_id=case.id)
        db.session.add(schedule)
    schedule.every = every
    schedule.updated_at = now_utc()
    schedule.updated_by_id = by_id
    db.session.flush()
    return schedule


def check_in_schedule(case) -> int:
    """How often the case's partners are asked for a check-in (see ``CheckInSchedule``)."""
    schedule = db.session.get(CheckInSchedule, case.id)
    return EVERY_SESSION if schedule is None else schedule.every
