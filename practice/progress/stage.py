"""Where a case stands in EFT: the step recorded at its latest attended session.

The progress view reads it from the sessions it has already loaded
(``Progress.latest_step``); pages that need only the stage, such as the
homework suggestions, ask :func:`step_reached` for it in one query.
"""

from collections.abc import Iterable

import sqlalchemy as sa

from practice.cases.models import Case
from practice.extensions import db
from practice.sessions.models import Session, SessionStatus
from practice.vocabulary import EFT_STEPS


def latest_step(steps: Iterable[int | None]) -> int | None:
    """The last step recorded, of steps in session order; None if none was."""
    recorded = [step for step in steps if step]
    return recorded[-1] if recorded else None


def stage_of(step: int | None) -> int | None:
    """The EFT stage (1–3) a step (1–9) belongs to."""
    return EFT_STEPS[step][0] if step else None


def step_reached(case: Case) -> int | None:
    """The step recorded at the case's latest attended session that has one."""
    return db.session.scalar(
        sa.select(Session.eft_step)
        .where(
            Session.case_id == case.id,
            Session.status == SessionStatus.ATTENDED,
            Session.eft_step.is_not(None),
        )
        .order_by(Session.starts_at.desc(), Session.id.desc())
        .limit(1)
    )
