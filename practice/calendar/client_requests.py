"""Clients asking to move or cancel a session, and their counsellor's answers.

A partner asks about one of their own sessions still to come, with an optional
reason and, to move it, one to three times that would suit them; a request
inside the practice's notice period is marked late (``practice.calendar.policy``).
The counsellor accepts it (the session is cancelled or moved through
``practice.calendar.services``, so the diary, the feeds and the reminders follow),
declines it with a message, or suggests another time, which the partner then
takes or turns down (turned down, it waits for the counsellor again).

The request is the asking partner's and the counsellor's alone: the other partner
of a joint session learns nothing of it, only, once the counsellor acts, of the
change to the session, as of any change, and by the same email. So "one open
request per session" is counted per partner: refusing the second partner's
request because the first had asked would tell them that the first had.

Services take plain values, raise :class:`RequestProblem` (a ScheduleError,
naming the field it belongs beside), record the audit event and flush.
"""

from datetime import datetime

import sqlalchemy as sa

from practice import audience, audit
from practice.auth.models import User
from practice.calendar import policy
from practice.calendar.models import (
    OPEN_REQUEST,
    RequestKind,
    RequestStatus,
    SessionRequest,
)
from practice.calendar.recurrence import ScheduleError, Slot
from practice.calendar.request_mail import tell_answered, tell_changed
from practice.calendar.services import cancel, move, refuse_clashes
from practice.cases.models import Partner
from practice.dates import local
from practice.extensions import db
from practice.sessions.models import Session, SessionStatus

MAX_PREFERRED = 3
GONE = "This session can no longer be changed here. Please contact your counsellor."


class RequestProblem(ScheduleError):
    """A request, or an answer to one, that cannot be made, in the words of whoever made it."""


def open_request(partner: Partner, session: Session) -> SessionRequest | None:
    """The partner's request about ``session`` that still waits for an answer, if any."""
    return db.session.scalar(
        sa.select(SessionRequest).where(
            SessionRequest.session_id == session.id,
            SessionRequest.partner_id == partner.id,
            SessionRequest.status.in_(OPEN_REQUEST),
        )
    )


def changeable(session: Session, now: datetime) -> bool:
    """Whether a client may still ask to change ``session``: scheduled and not yet begun."""
    return session.status is SessionStatus.SCHEDULED and session.starts_at > now


def ask(
    partner: Partner,
    session: Session,
    kind: RequestKind,
    reason: str,
    preferred: list[datetime],
    now: datetime,
    notice_hours: int,
) -> SessionRequest:
    """The partner's request to cancel or move one of their sessions still to come."""
    if not audience.may_read(partner, audience.of_session(session)):
        raise RequestProblem(GONE)
    if not changeable(session, now):
        raise RequestProblem(GONE)
    if open_request(partner, session) is not None:
        raise RequestProblem(
            "You have already asked about this session; your counsellor will answer that "
            "first. You can withdraw it on your appointments page."
        )
    preferred = _preferred(kind, preferred, now)
    request = SessionRequest(
        case_id=session.case_id,
        session_id=session.id,
        partner_id=partner.id,
        kind=kind,
        status=RequestStatus.PENDING,
        reason=reason.strip() or None,
        preferred=[start.isoformat() for start in preferred],
        late=policy.is_late(session.starts_at, now, notice_hours),
        created_at=now,
        open_key=f"s{session.id}p{partner.id}",
    )
    db.session.add(request)
    db.session.flush()
    audit.record("session_request.create", request, kind=kind.value, late=request.late)
    return request


def _preferred(kind: RequestKind, starts: list[datetime], now: datetime) -> list[datetime]:
    if kind is RequestKind.CANCEL:
        return []
    found = list(dict.fromkeys(starts))  # the same time twice counts once
    if not found:
        raise RequestProblem("Give at least one day and time that would suit you.", "day_1")
    if len(found) > MAX_PREFERRED:
        raise RequestProblem(f"Give at most {MAX_PREFERRED} times.", "day_1")
    for number, start in enumerate(starts, 1):
        if start <= now:
            raise RequestProblem("Choose a time still to come.", f"day_{number}")
    return found


def accept(request: SessionRequest, by: User, now: datetime, chosen: datetime | None = None):
    """Do what was asked: cancel the session, or move it to the ``chosen`` preferred time."""
    _refuse_unless(request, RequestStatus.PENDING)
    session = request.session
    was = session.starts_at
    if request.kind is RequestKind.CANCEL:
        cancel(session, _cancel_reason(request), request.late)
    else:
        if chosen is None or chosen not in request.preferred_starts:
            raise RequestProblem("Choose one of the times they gave.", "chosen")
        if chosen <= now:
            raise RequestProblem("That time has passed: suggest another instead.", "chosen")
        move(session, _slot(session, chosen))
    _close(request, RequestStatus.ACCEPTED, now)
    request.answered_at, request.answered_by_id = now, by.id
    _overtake_others(request, now)
    audit.record("session_request.accept", request, kind=request.kind.value)
    tell_changed(session, was)


def decline(request: SessionRequest, by: User, now: datetime, message: str) -> None:
    """Keep the session as booked, and say why to the partner who asked."""
    _refuse_unless(request, RequestStatus.PENDING)
    if not message.strip():
        raise RequestProblem("Say why, in a sentence they will read in their portal.", "message")
    _close(request, RequestStatus.DECLINED, now)
    request.answered_at, request.answered_by_id = now, by.id
    request.reply = message.strip()
    audit.record("session_request.decline", request)
    tell_answered(request)


def suggest(request: SessionRequest, by: User, now: datetime, starts_at: datetime, message: str):
    """Offer another time; the partner who asked takes it or turns it down in the portal."""
    _refuse_unless(request, RequestStatus.PENDING)
    session = request.session
    if starts_at <= now:
        raise RequestProblem("Suggest a time still to come.", "time")
    if session.status is not SessionStatus.SCHEDULED:
        raise RequestProblem(GONE)
    refuse_clashes(session.counsellor_id, [_slot(session, starts_at)], ignore=session.id)
    request.status = RequestStatus.SUGGESTED
    request.suggested_at = starts_at
    request.answered_at, request.answered_by_id = now, by.id
    request.reply = message.strip() or None
    audit.record("session_request.suggest", request)
    tell_answered(request)


def take_suggestion(request: SessionRequest, now: datetime) -> None:
    """The partner who asked takes the suggested time: the session moves there."""
    _refuse_unless(request, RequestStatus.SUGGESTED)
    session = request.session
    was = session.starts_at
    try:
        if request.suggested_at <= now:
            raise RequestProblem("That time has passed.")
        move(session, _slot(session, request.suggested_at))
    except ScheduleError as exc:
        # Taken meanwhile, or the session changed: the counsellor answers again.
        request.status = RequestStatus.PENDING
        audit.record("session_request.suggestion_lost", request)
        raise RequestProblem(
            "That time can no longer be booked, so the session stays as it was. Your "
            "counsellor has been asked to answer again."
        ) from exc
    _close(request, RequestStatus.ACCEPTED, now)
    _overtake_others(request, now)
    audit.record("session_request.take", request)
    tell_changed(session, was)


def turn_down_suggestion(request: SessionRequest) -> None:
    """The partner who asked cannot come at the suggested time: back to the counsellor."""
    _refuse_unless(request, RequestStatus.SUGGESTED)
    request.status = RequestStatus.PENDING
    audit.record("session_request.turn_down", request)


def withdraw(request: SessionRequest, now: datetime) -> None:
    """The partner who asked no longer wants the change."""
    if not request.is_open:
        raise RequestProblem("This request has been answered already.")
    _close(request, RequestStatus.WITHDRAWN, now)
    audit.record("session_request.withdraw", request)


def _refuse_unless(request: SessionRequest, status: RequestStatus) -> None:
    if request.status is not status:
        raise RequestProblem(
            "This request has been answered already."
            if not request.is_open
            else "This request is waiting for an answer from the other side."
        )


def _close(request: SessionRequest, status: RequestStatus, now: datetime) -> None:
    request.status, request.closed_at, request.open_key = status, now, None


def _overtake_others(request: SessionRequest, now: datetime) -> None:
    """The session changed: other open requests about it (the other partner's) are closed;
    they see the change, as everyone does, and may ask again."""
    for other in db.session.scalars(
        sa.select(SessionRequest).where(
            SessionRequest.session_id == request.session_id,
            SessionRequest.id != request.id,
            SessionRequest.status.in_(OPEN_REQUEST),
        )
    ):
        _close(other, RequestStatus.OVERTAKEN, now)
        audit.record("session_request.overtaken", other)


def _slot(session: Session, starts_at: datetime) -> Slot:
    length = session.ends_at - session.starts_at
    return Slot(local(starts_at).date(), starts_at, starts_at + length)


def _cancel_reason(request: SessionRequest) -> str:
    asked = f"Cancelled at {request.partner.first_name}'s request"
    return f"{asked}: {request.reason}" if request.reason else f"{asked}."


def open_requests_of(session_ids: list[int]) -> dict[int, list[SessionRequest]]:
    """{session id: its open requests}, for the counsellor's session pages; one query."""
    found: dict[int, list[SessionRequest]] = {}
    if not session_ids:
        return found
    for request in db.session.scalars(
        sa.select(SessionRequest)
        .where(
            SessionRequest.session_id.in_(session_ids),
            SessionRequest.status.in_(OPEN_REQUEST),
        )
        .options(sa.orm.joinedload(SessionRequest.partner))
        .order_by(SessionRequest.id)
    ):
        found.setdefault(request.session_id, []).append(request)
    return found
