"""Which reminders are due at a moment: plain facts, gathered in a fixed number of queries.

Three kinds, each to a partner who has an email address, is expected at it,
and has not turned that kind off in the portal; nothing for a closed case:

- an appointment reminder once a scheduled session is less than a day away;
- a homework reminder from 09:00 (practice time) the day before it is due, until
  the end of that day, unless one-off homework is already done;
- a check-in request once :func:`practice.progress.asked.check_ins_to_ask` says
  so for the partner's next session, by the schedule the counsellor set for the
  case (before every session, or every Nth, or not at all), to partners with a
  portal login. It names nothing clinical: the partner's own session, and how often
  their counsellor asks.
"""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from practice import audience
from practice.cases.models import Case, CaseStatus, Partner
from practice.dates import practice_zone
from practice.extensions import db
from practice.homework.models import Assignment, AssignmentStatus, HomeworkEntry
from practice.progress.asked import check_ins_to_ask
from practice.progress.checkins import ASK_BEFORE, asked_how_often
from practice.reminders.models import ReminderKind, ReminderOptOut
from practice.sessions import video
from practice.sessions.models import Session, SessionStatus
from practice.settings import practice_settings

APPOINTMENT_BEFORE = timedelta(hours=24)
HOMEWORK_FROM = time(9, 0)


@dataclass(frozen=True)
class Due:
    """A reminder to send: whom, about what, and the facts its message needs."""

    key: str
    kind: ReminderKind
    case_id: int
    partner_id: int
    object_id: int
    to: str
    facts: dict = field(hash=False, compare=False)


def address(partner: Partner) -> str | None:
    """Where a partner's email goes: their own address, else their login's."""
    if partner.user is not None and not partner.user.active:
        return None
    return partner.email or (partner.user.email if partner.user else None)


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%MZ")


def due_reminders(now: datetime) -> list[Due]:
    """Every reminder due at ``now``, whether or not it was sent before (the key tells)."""
    found = _appointments(now) + _check_ins(now) + _homework(now)
    off = _opted_out({d.partner_id for d in found})
    return [d for d in found if (d.partner_id, d.kind) not in off]


def _opted_out(partner_ids: set[int]) -> set[tuple[int, ReminderKind]]:
    if not partner_ids:
        return set()
    rows = db.session.execute(
        sa.select(ReminderOptOut.partner_id, ReminderOptOut.kind).where(
            ReminderOptOut.partner_id.in_(partner_ids)
        )
    )
    return {(partner_id, kind) for partner_id, kind in rows}


def _upcoming(now: datetime, within: timedelta) -> list[Session]:
    return list(
        db.session.scalars(
            sa.select(Session)
            .join(Case, Case.id == Session.case_id)
            .where(
                Session.status == SessionStatus.SCHEDULED,
                Session.starts_at > now,
                Session.starts_at <= now + within,
                Case.status != CaseStatus.CLOSED,
            )
            .options(
                joinedload(Session.counsellor),
                joinedload(Session.case).selectinload(Case.partners).joinedload(Partner.user),
            )
            .order_by(Session.starts_at)
        ).unique()
    )


def _session_facts(session: Session, partner: Partner) -> dict:
    return {
        "first_name": partner.first_name,
        "counsellor": session.counsellor.name,
        "starts_at": session.starts_at,
        "minutes": session.duration_minutes,
    }


def _appointment_facts(session: Session, partner: Partner, practice) -> dict:
    """An appointment reminder's facts; a video session's link only for whom it is with."""
    return _session_facts(session, partner) | {
        "video_link": video.link_for_reader(partner, session, practice),
        "by_video": session.by_video,
        "joint": session.case.is_couple and not session.invitees,
    }


def _appointments(now: datetime) -> list[Due]:
    practice = practice_settings()
    return [
        Due(
            f"{ReminderKind.APPOINTMENT}:s{session.id}:p{partner.id}:{_stamp(session.starts_at)}",
            ReminderKind.APPOINTMENT,
            session.case_id,
            partner.id,
            session.id,
            to,
            _appointment_facts(session, partner, practice),
        )
        for session in _upcoming(now, APPOINTMENT_BEFORE)
        for partner in session.case.partners
        if audience.may_read(partner, audience.of_session(session)) and (to := address(partner))
    ]


def _check_ins(now: datetime) -> list[Due]:
    upcoming = _upcoming(now, ASK_BEFORE)
    partners = list({p.id: p for s in upcoming for p in s.case.partners}.values())
    found = []
    for ask in check_ins_to_ask(partners, now, upcoming):
        partner, session = ask.partner, ask.session
        to = address(partner)
        if not (to and partner.user_id):
            continue
        found.append(
            Due(
                f"{ReminderKind.CHECK_IN}:s{session.id}:p{partner.id}:{_stamp(session.starts_at)}",
                ReminderKind.CHECK_IN,
                session.case_id,
                partner.id,
                session.id,
                to,
                _session_facts(session, partner) | {"often": asked_how_often(ask.every)},
            )
        )
    return found


def homework_reminder_from(due_on: date, zone) -> datetime:
    """The moment a homework reminder becomes due: 09:00 local the day before."""
    return datetime.combine(due_on - timedelta(days=1), HOMEWORK_FROM, tzinfo=zone)


def _homework(now: datetime) -> list[Due]:
    zone = practice_zone()
    today = now.astimezone(zone).date()
    assignments = (
        db.session.scalars(
            sa.select(Assignment)
            .join(Case, Case.id == Assignment.case_id)
            .where(
                Assignment.status == AssignmentStatus.ACTIVE,
                Assignment.due_on.in_([today, today + timedelta(days=1)]),
                Case.status != CaseStatus.CLOSED,
            )
            .options(
                joinedload(Assignment.exercise),
                joinedload(Assignment.case).selectinload(Case.partners).joinedload(Partner.user),
            )
        )
        .unique()
        .all()
    )
    assignments = [a for a in assignments if homework_reminder_from(a.due_on, zone) <= now]
    done = _entries_made([a.id for a in assignments if a.cadence == "once"])
    found = []
    for a in assignments:
        for partner in a.case.partners:
            to = address(partner)
            theirs = audience.may_read(partner, audience.of_assignment(a))
            if not (to and partner.user_id and theirs) or (a.id, partner.id) in done:
                continue
            found.append(
                Due(
                    f"{ReminderKind.HOMEWORK}:a{a.id}:p{partner.id}:{a.due_on.isoformat()}",
                    ReminderKind.HOMEWORK,
                    a.case_id,
                    partner.id,
                    a.id,
                    to,
                    {
                        "first_name": partner.first_name,
                        "exercise": a.exercise.title,
                        "due_on": a.due_on,
                        "together": a.for_whom.value == "together",
                    },
                )
            )
    return found


def _entries_made(assignment_ids: list[int]) -> set[tuple[int, int]]:
    if not assignment_ids:
        return set()
    rows = db.session.execute(
        sa.select(HomeworkEntry.assignment_id, HomeworkEntry.partner_id)
        .where(HomeworkEntry.assignment_id.in_(assignment_ids))
        .distinct()
    )
    return {(a, p) for a, p in rows}
