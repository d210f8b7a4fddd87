"""Booking a case's sessions: one service for the calendar, the case and the diary.

Plain values come in (a :class:`Booking`: a day, a start time and a length in
the practice's time zone, who is expected, how it repeats, and for a session
already held its status and who came, and whether it is in person or by video);
a :class:`ScheduleError` naming the
field it belongs beside comes out when a rule is broken. The views turn forms
into bookings and errors into messages beside fields; demo data and tests can
book the same way. One clash rule and one message, whoever books.
"""

from dataclasses import dataclass, field
from datetime import date, time, timedelta
from zoneinfo import ZoneInfo

from practice import audit
from practice.auth.models import User
from practice.calendar.models import SessionSeries
from practice.calendar.recurrence import ScheduleError, Slot, occurrence_days
from practice.calendar.services import SeriesPlan, book_series, refuse_clashes, series_sessions
from practice.cases.models import Case
from practice.consent import gate as consent
from practice.consent.rules import IN_PERSON, VIDEO
from practice.database import now_utc
from practice.dates import LocalTimeError, local_to_utc, practice_zone
from practice.extensions import db
from practice.idempotency import create_once
from practice.screening.holds import joint_session_problem
from practice.sessions.models import BOOKED, Session, SessionMode, SessionStatus
from practice.sessions.services import attended_too_early
from practice.sessions.video import new_room

MIN_MINUTES, MAX_MINUTES = 10, 300
LENGTH_RANGE = f"Between {MIN_MINUTES} and {MAX_MINUTES} minutes."
NOT_EXPECTED = "Choose who is expected from the partners of this case."


@dataclass(frozen=True)
class Booking:
    """A session, or a series of them, as the counsellor asks for it."""

    day: date
    start: time
    minutes: int
    #: The partners expected ("a", "b"); none named means the whole case.
    invitees: tuple[str, ...] = ()
    status: SessionStatus = SessionStatus.SCHEDULED
    #: The partners who came, for a session already held.
    attendees: tuple[str, ...] = ()
    joint_reason: str | None = None
    #: Why the couple is seen together before both have signed the consent documents.
    consent_reason: str | None = None
    handout_summary: str = ""
    #: What billing charges it as (``practice.billing``); None: by who comes.
    service_id: int | None = None
    #: In person or by video; a video session gets a room name of its own.
    mode: SessionMode = SessionMode.IN_PERSON
    #: 0: once; 1: every week; 2: every other week.
    every_weeks: int = 0
    until: date | None = None
    count: int | None = None
    ignore: int | None = field(default=None, compare=False)  # the session being changed


def slot_at(day: date, start: time, minutes: int, zone: ZoneInfo) -> Slot:
    """The UTC start and end of ``minutes`` from local ``start`` on ``day``."""
    if not MIN_MINUTES <= minutes <= MAX_MINUTES:
        raise ScheduleError(LENGTH_RANGE, "duration")
    try:
        starts_at = local_to_utc(day, start, zone)
    except LocalTimeError as exc:
        raise ScheduleError(str(exc), "time") from exc
    return Slot(day, starts_at, starts_at + timedelta(minutes=minutes))


def slots_for(
    case: Case,
    booking: Booking,
    zone: ZoneInfo,
    *,
    hold_applies: bool = True,
    consent_applies: bool | None = None,
) -> list[Slot]:
    """The slots ``booking`` asks for, if every rule allows it; else a ScheduleError.

    ``hold_applies=False`` for correcting the record of a session already held: a
    hold on joint work (see ``practice.screening.holds``) is about sessions to come.
    ``consent_applies`` (as ``hold_applies`` unless told): whether a joint session
    waits for both partners' consent (``practice.consent.gate``); not when a session
    already booked is moved. A session by video waits for the consent to video too.
    """
    if consent_applies is None:
        consent_applies = hold_applies
    _refuse_unknown_partners(case, booking)
    if booking.every_weeks and booking.status is not SessionStatus.SCHEDULED:
        raise ScheduleError("Only sessions still to come repeat: choose “Scheduled”.", "repeat")
    if booking.every_weeks:
        if booking.until and booking.count:
            raise ScheduleError(
                "Give either the date of the last session or a number of sessions, not both.",
                "count",
            )
        days = occurrence_days(booking.day, booking.every_weeks, booking.until, booking.count)
    else:
        days = [booking.day]
    slots = [slot_at(day, booking.start, booking.minutes, zone) for day in days]
    if attended_too_early(booking.status, slots[0].starts_at):
        raise ScheduleError("A session can only be marked attended once it has started.", "status")
    if booking.status is SessionStatus.ATTENDED and not booking.attendees:
        raise ScheduleError("Tick who came.", "attendees")
    if booking.status in BOOKED:
        invitees, reason = list(booking.invitees), booking.joint_reason
        if hold_applies and (problem := joint_session_problem(case, invitees, reason)):
            raise ScheduleError(problem, "joint_reason")
        if consent_applies and (
            problem := consent.joint_session_problem(
                case, invitees, booking.consent_reason, consent_kind(booking)
            )
        ):
            raise ScheduleError(problem, "consent_reason")
        refuse_clashes(case.counsellor_id, slots, ignore=booking.ignore)
    return slots


def _refuse_unknown_partners(case: Case, booking: Booking) -> None:
    for position in booking.invitees:
        if case.partner(position) is None:
            only_one = "This case has only one partner."
            raise ScheduleError(only_one if len(case.partners) < 2 else NOT_EXPECTED, "with_whom")
    if booking.status is not SessionStatus.ATTENDED:
        return  # who came is asked of a session held; the form's ticks are ignored
    if set(booking.attendees) - {p.position for p in case.partners}:
        raise ScheduleError("Tick only partners of this case.", "attendees")
    if booking.invitees and set(booking.attendees) - set(booking.invitees):
        raise ScheduleError(
            "Only the partner this session is with can have come to it.", "attendees"
        )


def book(case: Case, booking: Booking, zone: ZoneInfo, by: User, token: str | None):
    """Book ``booking`` for ``case`` once per form ``token``: (the session or series,
    whether this call made it). A second send of the same form finds the first."""
    if booking.every_weeks:
        return create_once(SessionSeries, token, lambda: _series(case, booking, zone, by))
    return create_once(Session, token, lambda: _session(case, booking, zone))


def _session(case: Case, booking: Booking, zone: ZoneInfo) -> Session:
    [wanted] = slots_for(case, booking, zone)
    overridden = _consent_overridden(case, booking)
    session = Session(case=case, counsellor_id=case.counsellor_id)
    _apply(session, booking, wanted)
    db.session.add(session)
    db.session.flush()
    if overridden:
        _record_override(session, booking, overridden)
    if session.status is SessionStatus.SCHEDULED:
        audit.record("session.schedule", session, invitees=session.invitees)
    else:
        audit.record("session.create", session, status=session.status.value)
    return session


def _series(case: Case, booking: Booking, zone: ZoneInfo, by: User) -> SessionSeries:
    slots = slots_for(case, booking, zone)
    overridden = _consent_overridden(case, booking)
    end = slots[0].ends_at.astimezone(zone).time()
    plan = SeriesPlan(
        booking.every_weeks, booking.start, end, zone.key, booking.until, booking.count
    )
    series = book_series(case, slots, plan, list(booking.invitees), by)
    db.session.flush()
    for session in series_sessions(series):
        session.joint_reason = booking.joint_reason
        _set_mode(session, booking.mode)
        if overridden:
            _record_override(session, booking, overridden)
        session.service_id = booking.service_id
    audit.record("series.create", series, sessions=len(slots), every_weeks=booking.every_weeks)
    return series


def change(session: Session, booking: Booking, zone: ZoneInfo) -> None:
    """Correct a session's time, status, who is expected and who came; refused once its
    note is signed (an addendum corrects it then)."""
    if session.note is not None and session.note.signed:
        raise ScheduleError(
            "This session's note is signed, so its date, time, status and who came are "
            "locked with it. To correct them, add an addendum to the note."
        )
    if booking.every_weeks:
        raise ScheduleError("One session changes here; book a series from the calendar.", "repeat")
    # A session already with both partners was booked under the rules of its day; one
    # becoming a joint session, or a joint session moving to video, now waits for both
    # partners' consent like a new one.
    becomes_joint = bool(session.invitees) and not booking.invitees
    becomes_video = booking.mode is SessionMode.VIDEO and not session.by_video
    asks_consent = becomes_joint or becomes_video
    [wanted] = slots_for(session.case, booking, zone, consent_applies=asks_consent)
    overridden = _consent_overridden(session.case, booking) if asks_consent else []
    _apply(session, booking, wanted)
    session.sequence = (session.sequence or 0) + 1
    if overridden:
        _record_override(session, booking, overridden)
    audit.record("session.change", session, status=session.status.value)


def _consent_overridden(case: Case, booking: Booking) -> list[str]:
    """The documents (by kind) a joint session is booked without, on the counsellor's
    reason; empty when nothing is overridden."""
    if booking.status not in BOOKED or booking.invitees or not booking.consent_reason:
        return []
    missing = consent.missing_in(case, consent_kind(booking))
    return sorted({d.kind.value for documents in missing.values() for d in documents})


def consent_kind(booking: Booking) -> str:
    """Which documents the session asks for (``practice.consent.rules.REQUIRED``)."""
    return VIDEO if booking.mode is SessionMode.VIDEO else IN_PERSON


def _record_override(session: Session, booking: Booking, missing: list[str]) -> None:
    session.consent_reason = booking.consent_reason
    audit.record("consent.override", session, missing=missing)


def _apply(session: Session, booking: Booking, wanted: Slot) -> None:
    session.starts_at, session.ends_at = wanted.starts_at, wanted.ends_at
    session.status = booking.status
    session.invitees = list(booking.invitees)
    # Only a session that took place has people who came to it; the form offers
    # everyone ticked, for recording one just held.
    held = booking.status is SessionStatus.ATTENDED
    session.attendees = sorted(booking.attendees) if held else []
    if booking.joint_reason:
        session.joint_reason = booking.joint_reason
    session.handout_summary = booking.handout_summary
    session.service_id = booking.service_id
    _set_mode(session, booking.mode)
    session.updated_at = now_utc()


def _set_mode(session: Session, mode: SessionMode) -> None:
    """In person or by video; a video session keeps its room name while it stays by video."""
    session.mode = mode
    if mode is SessionMode.VIDEO:
        session.video_room = session.video_room or new_room()
    else:
        session.video_room = None


def booked_message(case: Case, made: Session | SessionSeries) -> str:
    """What the counsellor is told once a booking is made, from the calendar or the case."""
    if isinstance(made, SessionSeries):
        sessions = series_sessions(made)
        last = local_day(sessions[-1])
        return (
            f"{len(sessions)} sessions booked with {case.label}, "
            f"{made.repeat_label.lower()} until {last.day} {last:%b %Y}."
        )
    if made.status is SessionStatus.SCHEDULED:
        by_video = " by video" if made.by_video else ""
        # One partner's session says whose it is: the case's name alone would read as both.
        whom = f"{made.expected} ({case.label})" if made.invitees else case.label
        return f"Session booked{by_video} with {whom}."
    fresh = " Write the note while it is fresh." if made.status is SessionStatus.ATTENDED else ""
    return f"Session recorded.{fresh}"


def local_day(made: Session | SessionSeries) -> date:
    """The practice's day on which what was booked begins."""
    if isinstance(made, SessionSeries):
        return made.first_day
    return made.starts_at.astimezone(practice_zone()).date()
