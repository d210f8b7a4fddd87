"""A case's sessions at a glance, for its page: the next one booked, the latest
sessions held or noted with where their notes stand, and the count against the
five-session mark (joint sessions toward it, individual ones beside it)."""

from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from practice.cases.models import Case
from practice.extensions import db
from practice.progress.timeline import FIVE_SESSIONS
from practice.sessions.models import Note, Session, SessionStatus

LATEST_NOTES = 3


@dataclass
class SessionsAtAGlance:
    next: Session | None = None
    latest_notes: list[Session] = field(default_factory=list)
    joint: int = 0  # attended by every partner of the case: toward the five-session mark
    individual: int = 0  # attended by one partner alone: beside the mark
    mark = FIVE_SESSIONS


def at_a_glance(case: Case, now: datetime) -> SessionsAtAGlance:
    """The case's next booked session, its latest few attended or noted sessions, and its
    joint and individual sessions counted, in one statement (two small ranked picks of
    ids, then those sessions with their notes and the two counts)."""
    coming = (
        sa.select(Session.id)
        .where(
            Session.case_id == case.id,
            Session.status == SessionStatus.SCHEDULED,
            Session.starts_at >= now,
        )
        .order_by(Session.starts_at, Session.id)
        .limit(1)
        .subquery()
    )
    noted = (
        sa.select(Session.id)
        .outerjoin(Note, Note.session_id == Session.id)
        .where(
            Session.case_id == case.id,
            sa.or_(Session.status == SessionStatus.ATTENDED, Note.id.is_not(None)),
        )
        .order_by(Session.starts_at.desc(), Session.id.desc())
        .limit(LATEST_NOTES)
        .subquery()
    )
    ids = sa.union_all(sa.select(coming.c.id), sa.select(noted.c.id))
    # The counts against the five-session mark ride along on each row. A session is joint
    # when as many partners came as the case has: ``attendees`` names each partner of the
    # case once at most (practice.calendar.booking).
    held = sa.orm.aliased(Session)
    attended = sa.select(sa.func.count(held.id)).where(
        held.case_id == case.id, held.status == SessionStatus.ATTENDED
    )
    together = attended.where(
        sa.func.json_array_length(held.attendees) >= len(case.partners)
    ).scalar_subquery()
    rows = db.session.execute(
        sa.select(Session, together, attended.scalar_subquery())
        .where(Session.id.in_(ids))
        .options(joinedload(Session.note))
        .order_by(Session.starts_at.desc(), Session.id.desc())
    ).all()
    glance = SessionsAtAGlance()
    for session, joint_count, attended_count in rows:
        glance.joint, glance.individual = joint_count, attended_count - joint_count
        if session.status is SessionStatus.SCHEDULED and session.starts_at >= now:
            glance.next = session
        else:
            glance.latest_notes.append(session)
    return glance
