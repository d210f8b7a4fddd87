"""Recording check-ins, over plain values: the portal, the counsellor's form, the demo
practice and the benchmark's generator all keep a check-in through the same rules. And
how often a case's partners are asked for one.
"""

from datetime import datetime

from practice.database import now_utc
from practice.extensions import db
from practice.progress.csi import CSIError, score
from practice.progress.models import (
    EVERY_SESSION,
    MOST_SESSIONS_APART,
    NOT_SCHEDULED,
    CheckIn,
    CheckInSchedule,
)
from practice.vocabulary import BUILDING_BLOCKS

#: Each building block is rated 0 to 10.
BLOCK_RANGE = range(0, 11)


def check_in_columns(answers: list[int], blocks: dict[str, int]) -> dict:
    """A check-in's columns: the four CSI-4 answers and their total, and the building-block
    ratings. :class:`~practice.progress.csi.CSIError` says what is wrong with them."""
    total = score(answers)
    for key, rating in blocks.items():
        if key not in BUILDING_BLOCKS:
            raise CSIError(f"there is no building block '{key}'")
        if rating is not None and rating not in BLOCK_RANGE:
            raise CSIError(f"'{key}' is rated 0 to 10, not {rating!r}")
    return {
        "csi_happiness": answers[0],
        "csi_warm": answers[1],
        "csi_rewarding": answers[2],
        "csi_satisfied": answers[3],
        "csi_total": total,
        "blocks": dict(blocks),
    }


def new_check_in(
    case, partner_id: int, *, answers: list[int], blocks: dict[str, int], by, completed_at: datetime
) -> CheckIn:
    """Keep one partner's check-in, entered by them in the portal or by the counsellor."""
    check_in = CheckIn(
        case_id=case.id,
        partner_id=partner_id,
        completed_at=completed_at,
        entered_by_id=by.id,
        **check_in_columns(answers, blocks),
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
