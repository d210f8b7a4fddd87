"""The counsellor's coming days: the sessions booked from today, as the dashboard lists them.

Two statements however large the caseload: the sessions of the coming days
with their cases, notes and partners, and for the cases among them, which
partners have sent a check-in since the case's last attended session. The
clients' open requests about them come in from the dashboard, which reads them
once for its own list too.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from practice.auth.models import User
from practice.calendar.models import SessionRequest
from practice.cases.models import Case, CaseStatus
from practice.dates import local, local_to_utc
from practice.extensions import db
from practice.progress.models import CheckIn
from practice.sessions import video
from practice.sessions.models import BOOKED, Session, SessionStatus
from practice.settings import practice_settings

#: How far ahead the dashboard looks, today included.
DAYS_AHEAD = 7
#: At most this many sessions listed; a full week of a busy practice fits.
SHOW = 40
OPEN = (CaseStatus.INTAKE, CaseStatus.ACTIVE, CaseStatus.PAUSED)


@dataclass
class Visit:
    """One booked session as the counsellor's agenda shows it."""

    session: Session
    expected: str  # "Alex and Jordan", "Alex only"
    check_ins: list[tuple[str, int]]  # (first name, how many) since the last session
    started: bool  # its start time has passed
    video_link: str | None = None  # a video session's room
    join_open: bool = False  # within the time clients may join
    requests: list[SessionRequest] = field(default_factory=list)  # clients' open requests

    @property
    def case(self) -> Case:
        return self.session.case

    @property
    def note_action(self) -> str:
        """What the one click on this session does with its note."""
        note = self.session.note
        if note is not None and note.signed:
            return "Read the note"
        if note is not None:
            return "Continue the note"
        return "Write the note" if self.started else "Start the note"

    @property
    def joint_while_paused(self) -> bool:
        """A session with both partners in a case whose joint work is paused."""
        case = self.session.case
        return case.joint_paused and case.is_couple and len(self.expected_positions) > 1

    @property
    def expected_positions(self) -> list[str]:
        return self.session.invitees or [p.position for p in self.session.case.partners]


@dataclass
class Day:
    day: date
    visits: list[Visit] = field(default_factory=list)


def agenda(
    counsellor: User, now: datetime, asked: dict[int, list[SessionRequest]] | None = None
) -> list[Day]:
    """The counsellor's booked sessions from the start of today for DAYS_AHEAD days,
    by day in the practice's time zone; days without a session are left out.
    ``asked``: clients' open requests by session id, to mark the sessions they are about."""
    asked = asked or {}
    today = local(now).date()
    start = local_to_utc(today, time(0))
    end = local_to_utc(today + timedelta(days=DAYS_AHEAD), time(0))
    sessions = (
        db.session.scalars(
            sa.select(Session)
            .join(Case, Case.id == Session.case_id)
            .where(
                Case.counsellor_id == counsellor.id,
                Case.status.in_(OPEN),
                Session.status.in_(BOOKED),
                Session.starts_at >= start,
                Session.starts_at < end,
            )
            .options(
                joinedload(Session.case).joinedload(Case.partners),
                joinedload(Session.note),
            )
            .order_by(Session.starts_at, Session.id)
            .limit(SHOW)
        )
        .unique()
        .all()
    )
    arrived = _check_ins_since_last_session({s.case_id for s in sessions}, now)
    practice = practice_settings()
    days: dict[date, Day] = {}
    for session in sessions:
        day = local(session.starts_at).date()
        names = {p.id: p.first_name for p in session.case.partners}
        visit = Visit(
            session=session,
            expected=session.expected,
            check_ins=[
                (names[pid], n) for pid, n in arrived.get(session.case_id, []) if pid in names
            ],
            started=session.starts_at <= now,
            video_link=video.link_for(session, practice),
            join_open=video.join_open(session.starts_at, session.ends_at, now),
            requests=asked.get(session.id, []),
        )
        days.setdefault(day, Day(day)).visits.append(visit)
    return list(days.values())


def _check_ins_since_last_session(case_ids: set[int], now: datetime) -> dict[int, list]:
    """For each case, (partner id, count) of check-ins completed since its last attended
    session began, in the order of the partners; before a first session, all of them."""
    if not case_ids:
        return {}
    last_session = (
        sa.select(sa.func.max(Session.starts_at))
        .where(
            Session.case_id == CheckIn.case_id,
            Session.status == SessionStatus.ATTENDED,
            Session.starts_at <= now,
        )
        .scalar_subquery()
    )
    rows = db.session.execute(
        sa.select(CheckIn.case_id, CheckIn.partner_id, sa.func.count())
        .where(
            CheckIn.case_id.in_(case_ids),
            sa.or_(last_session.is_(None), CheckIn.completed_at > last_session),
        )
        .group_by(CheckIn.case_id, CheckIn.partner_id)
        .order_by(CheckIn.case_id, CheckIn.partner_id)
    )
    found: dict[int, list] = defaultdict(list)
    for case_id, partner_id, count in rows:
        found[case_id].append((partner_id, count))
    return found
