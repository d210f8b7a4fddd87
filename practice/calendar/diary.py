"""Reading the diary: who keeps one, and what is in it between two days. Whose
diary a person may read is decided in ``practice.calendar.access.diary_holder``."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from practice.auth.models import Role, User
from practice.calendar.models import SeriesOccurrence
from practice.calendar.recurrence import day_bounds
from practice.cases.models import Case
from practice.extensions import db
from practice.sessions import video
from practice.sessions.models import Session, SessionStatus
from practice.settings import practice_settings

STAFF = (Role.OWNER, Role.COUNSELLOR)


def staff() -> list[User]:
    """Everyone who may hold a diary, active first, by name."""
    return list(
        db.session.scalars(
            sa.select(User).where(User.role.in_(STAFF)).order_by(User.active.desc(), User.name)
        )
    )


@dataclass
class Entry:
    """A session as the diary shows it, in local time."""

    session: Session
    series_id: int | None
    starts: datetime
    ends: datetime
    video_link: str | None = None  # only in the counsellor's own diary

    @property
    def cancelled(self) -> bool:
        return self.session.status is SessionStatus.CANCELLED


def entries(
    counsellor_ids: list[int], first: date, last: date, zone: ZoneInfo, *, links: bool = False
) -> dict[int, dict[date, list[Entry]]]:
    """{counsellor id: {local day: entries in order}} from ``first`` to ``last``, one query.
    ``links``: with each video session's link, for the counsellor's own diary."""
    practice = practice_settings()
    since, until = day_bounds(first, last, zone)
    rows = db.session.execute(
        sa.select(Session, SeriesOccurrence.series_id)
        .outerjoin(SeriesOccurrence, SeriesOccurrence.session_id == Session.id)
        .where(
            Session.counsellor_id.in_(counsellor_ids),
            Session.starts_at >= since,
            Session.starts_at < until,
        )
        .options(joinedload(Session.case).selectinload(Case.partners))
        .order_by(Session.starts_at, Session.id)
    )
    found: dict[int, dict[date, list[Entry]]] = defaultdict(lambda: defaultdict(list))
    for session, series_id in rows:
        starts = session.starts_at.astimezone(zone)
        link = video.link_for(session, practice) if links else None
        entry = Entry(session, series_id, starts, session.ends_at.astimezone(zone), link)
        found[session.counsellor_id][starts.date()].append(entry)
    return found


def days(first: date, n: int) -> list[date]:
    return [first + timedelta(days=i) for i in range(n)]
