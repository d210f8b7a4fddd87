"""The counsellor's coming days: the sessions booked from today, as the dashboard lists them.

Two statements however large the caseload: the sessions of the coming days
with their cases, notes and partners (as plain columns), and for the cases
among them, which partners have sent a check-in since the case's last attended
session. The first also brings the clients' open requests to move or cancel a
session (the sessions they are about are read too when beyond the coming days),
so the dashboard lists them without a statement of its own.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa

from practice.auth.models import User
from practice.calendar.models import OPEN_REQUEST, RequestKind, RequestStatus, SessionRequest
from practice.cases.models import Case, CaseStatus, Partner, first_name
from practice.dates import local_to_utc, practice_zone
from practice.extensions import db
from practice.progress.models import CheckIn
from practice.sessions import video
from practice.sessions.models import (
    BOOKED,
    Note,
    Session,
    SessionMode,
    SessionStatus,
    expected_words,
)
from practice.settings import practice_settings

#: How far ahead the dashboard looks, today included.
DAYS_AHEAD = 7
#: At most this many sessions listed; a full week of a busy practice fits.
SHOW = 40
OPEN = (CaseStatus.INTAKE, CaseStatus.ACTIVE, CaseStatus.PAUSED)


@dataclass(frozen=True)
class AgendaCase:
    """What the agenda shows of a case: read as plain columns, not loaded as a ``Case``."""

    id: int
    label: str
    safety_concerns: bool
    joint_paused: bool
    partners: tuple[tuple[int, str, str], ...]  # (id, position, first name), A first

    @property
    def is_couple(self) -> bool:
        return len(self.partners) > 1


@dataclass(frozen=True)
class Booked:
    """What the agenda shows of a booked session, and where its note stands."""

    id: int
    case_id: int
    starts_at: datetime
    ends_at: datetime
    status: SessionStatus
    invitees: tuple[str, ...]  # empty: everyone in the case
    has_note: bool
    note_signed: bool
    by_video: bool = False


@dataclass(frozen=True)
class Asked:
    """A client's open request about a session, as the dashboard shows it."""

    id: int
    case_id: int
    case_label: str
    session_starts_at: datetime
    first_name: str  # of the partner who asked
    kind: RequestKind
    status: RequestStatus
    late: bool
    created_at: datetime
    suggested_at: datetime | None


@dataclass
class Visit:
    """One booked session as the counsellor's agenda shows it."""

    session: Booked
    case: AgendaCase
    check_ins: list[tuple[str, int]]  # (first name, how many) since the last session
    started: bool  # its start time has passed
    video_link: str | None = None  # a video session's room
    join_open: bool = False  # within the time clients may join
    requests: list[Asked] = field(default_factory=list)  # clients' open requests
    times: str = ""  # "14:00–14:50", on the practice's clocks

    @property
    def expected_positions(self) -> list[str]:
        positions = [position for _, position, _ in self.case.partners]
        return [p for p in positions if not self.session.invitees or p in self.session.invitees]

    @property
    def expected(self) -> str:
        """Who the session is with, by first name, as ``Session.expected`` says it."""
        names = [n for _, p, n in self.case.partners if p in self.expected_positions]
        return expected_words(names, couple=self.case.is_couple)

    @property
    def note_action(self) -> str:
        """What the one click on this session does with its note."""
        if self.session.note_signed:
            return "Read the note"
        if self.session.has_note:
            return "Continue the note"
        return "Write the note" if self.started else "Start the note"

    @property
    def joint_while_paused(self) -> bool:
        """A session with both partners in a case whose joint work is paused."""
        case = self.case
        return case.joint_paused and case.is_couple and len(self.expected_positions) > 1


@dataclass
class Day:
    day: date
    visits: list[Visit] = field(default_factory=list)


def agenda(counsellor: User, now: datetime) -> list[Day]:
    """The counsellor's booked sessions from the start of today for DAYS_AHEAD days,
    by day in the practice's time zone; days without a session are left out."""
    return agenda_and_requests(counsellor, now)[0]


def agenda_and_requests(counsellor: User, now: datetime) -> tuple[list[Day], list[Asked]]:
    """:func:`agenda`, and the clients' requests still open about the counsellor's
    sessions from today on (also those beyond the coming days), soonest session first.

    The dashboard asks on every visit, so the sessions, their cases' labels and
    flags, their notes' state, their partners' names and the open requests come as
    plain columns in one statement (the sessions limited first, then a row per
    partner and request): loading them as models cost several times as much.
    """
    zone = practice_zone()
    today = now.astimezone(zone).date()
    start = local_to_utc(today, time(0), zone)
    end = local_to_utc(today + timedelta(days=DAYS_AHEAD), time(0), zone)
    booked = (
        sa.select(
            Session.id,
            Session.case_id,
            Session.starts_at,
            Session.ends_at,
            Session.status,
            Session.invitees,
            Session.mode,
            Session.video_room,
            Note.id.label("note_id"),
            Note.signed_at,
            Case.label,
            Case.safety_concerns,
            Case.joint_paused,
        )
        .join(Case, Case.id == Session.case_id)
        .outerjoin(Note, Note.session_id == Session.id)
        .where(
            Case.counsellor_id == counsellor.id,
            Case.status.in_(OPEN),
            Session.status.in_(BOOKED),
            Session.starts_at >= start,
            sa.or_(Session.starts_at < end, _open_request_about(Session.id)),
        )
        .order_by(Session.starts_at, Session.id)
        .limit(SHOW)
        .subquery()
    )
    rows = db.session.execute(
        sa.select(
            booked,
            Partner.id.label("partner_id"),
            Partner.position,
            Partner.name,
            SessionRequest.id.label("request_id"),
            SessionRequest.partner_id.label("asker_id"),
            SessionRequest.kind,
            SessionRequest.status.label("request_status"),
            SessionRequest.late,
            SessionRequest.created_at.label("asked_at"),
            SessionRequest.suggested_at,
        )
        .join(Partner, Partner.case_id == booked.c.case_id)
        .outerjoin(
            SessionRequest,
            sa.and_(
                SessionRequest.session_id == booked.c.id,
                SessionRequest.status.in_(OPEN_REQUEST),
            ),
        )
        .order_by(booked.c.starts_at, booked.c.id, Partner.position, SessionRequest.id)
    ).all()
    asked: dict[int, dict[int, tuple]] = defaultdict(dict)
    sessions: dict[int, tuple[Booked, dict]] = {}
    partners: dict[int, list[tuple[int, str, str]]] = defaultdict(list)
    for row in rows:
        if row.id not in sessions:
            sessions[row.id] = (
                Booked(
                    row.id,
                    row.case_id,
                    row.starts_at,
                    row.ends_at,
                    SessionStatus(row.status),
                    tuple(row.invitees or ()),
                    has_note=row.note_id is not None,
                    note_signed=row.signed_at is not None,
                    by_video=row.mode == SessionMode.VIDEO,
                ),
                {
                    "room": row.video_room,
                    "label": row.label,
                    "safety": row.safety_concerns,
                    "paused": row.joint_paused,
                },
            )
        if row.position not in {p for _, p, _ in partners[row.id]}:
            partners[row.id].append((row.partner_id, row.position, first_name(row.name)))
        if row.request_id is not None and row.status == SessionStatus.SCHEDULED:
            asked[row.id][row.request_id] = row
    arrived = _check_ins_since_last_session({b.case_id for b, _ in sessions.values()}, now)
    practice = practice_settings()
    days: dict[date, Day] = {}
    requests: list[Asked] = []
    for session_id, (session, case) in sessions.items():
        people = tuple(partners[session_id])
        names = {pid: name for pid, _, name in people}
        about = [
            Asked(
                row.request_id,
                session.case_id,
                case["label"],
                session.starts_at,
                names.get(row.asker_id, ""),
                RequestKind(row.kind),
                RequestStatus(row.request_status),
                row.late,
                row.asked_at,
                row.suggested_at,
            )
            for row in asked[session_id].values()
        ]
        requests += about
        if session.starts_at >= end:
            continue  # read for its request alone
        # Each time converted to the practice's zone once, here, not by a filter per use.
        starts, ends = session.starts_at.astimezone(zone), session.ends_at.astimezone(zone)
        visit = Visit(
            session=session,
            case=AgendaCase(session.case_id, case["label"], case["safety"], case["paused"], people),
            check_ins=[
                (names[pid], n) for pid, n in arrived.get(session.case_id, []) if pid in names
            ],
            started=session.starts_at <= now,
            video_link=video.room_link_for(
                session.by_video, case["room"], practice, counsellor.video_link
            ),
            join_open=video.join_open(session.starts_at, session.ends_at, now),
            requests=about,
            times=f"{starts:%H:%M}–{ends:%H:%M}",
        )
        if starts.date() not in days:
            days[starts.date()] = Day(starts.date())
        days[starts.date()].visits.append(visit)
    return list(days.values()), requests


def _open_request_about(session_id) -> sa.ColumnElement[bool]:
    return sa.exists().where(
        SessionRequest.session_id == session_id, SessionRequest.status.in_(OPEN_REQUEST)
    )


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
