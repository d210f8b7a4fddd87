"""Changing the diary: booking, repeating, moving, cancelling and marking sessions.

Each function checks what it must, changes the objects, records the audit
event and flushes; the request commits (see ``practice.request_cycle.commit_request``).
"""

from dataclasses import dataclass
from datetime import date, datetime, time

import sqlalchemy as sa

from practice import audit
from practice.auth.models import User
from practice.calendar import policy
from practice.calendar.models import SeriesOccurrence, SessionSeries
from practice.calendar.recurrence import ScheduleError, Slot
from practice.cases.models import Case
from practice.database import now_utc
from practice.dates import local
from practice.extensions import db
from practice.sessions.models import Session, SessionStatus
from practice.sessions.services import clash
from practice.settings import practice_settings

SERIES_ENDED = "The series was ended early."


def refuse_clashes(counsellor_id: int, slots: list[Slot], ignore: int | None = None) -> None:
    """The one clash rule, whoever books or moves: a counsellor's booked sessions never
    overlap. The refusal names the session in the way, in the practice's time."""
    for wanted in slots:
        other = clash(counsellor_id, wanted.starts_at, wanted.ends_at, ignore=ignore)
        if other is not None:
            raise ScheduleError(clash_message(other), "time")


def clash_message(other: Session) -> str:
    starts, ends = local(other.starts_at), local(other.ends_at)
    return (
        f"That overlaps your session with {other.case.label} on {starts.day} {starts:%b} "
        f"at {starts:%H:%M}–{ends:%H:%M}. Choose another time."
    )


@dataclass
class SeriesPlan:
    every_weeks: int
    start: time
    end: time
    zone_name: str
    until: date | None
    count: int | None


def book_series(case: Case, slots: list[Slot], plan: SeriesPlan, invitees, by: User):
    """A series and all its sessions, if the counsellor is free for every one of them."""
    refuse_clashes(case.counsellor_id, slots)
    series = SessionSeries(
        case=case,
        counsellor_id=case.counsellor_id,
        every_weeks=plan.every_weeks,
        first_day=slots[0].day,
        start_time=plan.start,
        duration_minutes=round((slots[0].ends_at - slots[0].starts_at).total_seconds() / 60),
        timezone=plan.zone_name,
        until=plan.until,
        count=plan.count,
        created_by_id=by.id,
    )
    db.session.add(series)
    for number, wanted in enumerate(slots, 1):
        session = Session(
            case=case,
            counsellor_id=case.counsellor_id,
            starts_at=wanted.starts_at,
            ends_at=wanted.ends_at,
            status=SessionStatus.SCHEDULED,
            invitees=list(invitees),
        )
        db.session.add(SeriesOccurrence(session=session, series=series, number=number))
    return series


def refuse_unless_scheduled(session: Session, doing: str) -> None:
    if session.note is not None and session.note.signed:
        raise ScheduleError(
            f"This session's note is signed, so it cannot be {doing}: its date, time and "
            "status are locked with the note. To correct them, add an addendum to the note."
        )
    if session.status is not SessionStatus.SCHEDULED:
        raise ScheduleError(
            f"This session is {session.status_label.lower()}, so it cannot be {doing}."
        )


def move(session: Session, wanted: Slot) -> None:
    """Put a scheduled session at another time (one session of a series: an exception)."""
    refuse_unless_scheduled(session, "moved")
    refuse_clashes(session.counsellor_id, [wanted], ignore=session.id)
    before = session.starts_at
    session.moved_from = before
    session.starts_at, session.ends_at = wanted.starts_at, wanted.ends_at
    _changed(session)
    audit.record(
        "session.move", session, before=before.isoformat(), after=wanted.starts_at.isoformat()
    )


def cancel(session: Session, reason: str, late: bool) -> None:
    """Cancel a scheduled session, with the reason; a late cancellation is marked."""
    refuse_unless_scheduled(session, "cancelled")
    session.status = SessionStatus.CANCELLED
    session.cancel_reason = reason
    session.late_cancel = late
    session.cancelled_at = now_utc()
    _changed(session)
    audit.record("session.cancel", session, late=late)


def is_late(session: Session, now: datetime) -> bool:
    """Whether cancelling now would be a late cancellation, by the practice's notice period
    (``PracticeSettings.cancellation_notice_hours``)."""
    return policy.is_late(session.starts_at, now, practice_settings().cancellation_notice_hours)


def mark_no_show(session: Session, now: datetime) -> None:
    """Record that nobody came to a session that has begun."""
    refuse_unless_scheduled(session, "marked as a no-show")
    if session.starts_at > now:
        raise ScheduleError("A session can be marked as a no-show once it has begun.")
    session.status = SessionStatus.NO_SHOW
    _changed(session)
    audit.record("session.no_show", session)


def end_series(series: SessionSeries, after: date, now: datetime) -> int:
    """Cancel the series' scheduled sessions after local date ``after``; how many."""
    cancelled = 0
    for session in series_sessions(series):
        if (
            session.status is SessionStatus.SCHEDULED
            and local(session.starts_at).date() > after
            and not (session.note and session.note.signed)  # locked with its note
        ):
            session.status = SessionStatus.CANCELLED
            session.cancel_reason = SERIES_ENDED
            session.cancelled_at = now
            _changed(session)
            cancelled += 1
    series.ended_on = after
    audit.record("series.end", series, after=after.isoformat(), cancelled=cancelled)
    return cancelled


def series_sessions(series: SessionSeries) -> list[Session]:
    return list(
        db.session.scalars(
            sa.select(Session)
            .join(SeriesOccurrence, SeriesOccurrence.session_id == Session.id)
            .where(SeriesOccurrence.series_id == series.id)
            .order_by(SeriesOccurrence.number)
        )
    )


def _changed(session: Session) -> None:
    """Calendar apps replace an event only when its SEQUENCE goes up."""
    session.sequence = (session.sequence or 0) + 1
    session.updated_at = now_utc()
