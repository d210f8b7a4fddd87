"""The counsellor answers a client's request to move or cancel a session: accept it, decline
it with a message, or suggest another time."""

from datetime import datetime

from flask import flash, redirect, url_for
from flask_login import current_user

from practice import audit
from practice.auth.access import counsellor_required
from practice.auth.forms import EmptyForm
from practice.calendar import policy
from practice.calendar.access import get_request_or_404
from practice.calendar.blueprint import bp
from practice.calendar.client_requests import accept, decline, suggest
from practice.calendar.forms import AcceptMoveForm, DeclineForm, SuggestForm
from practice.calendar.models import RequestKind, SessionRequest
from practice.calendar.recurrence import ScheduleError
from practice.cases.access import get_case_or_404
from practice.database import now_utc
from practice.dates import LocalTimeError, format_datetime, format_spoken, local_to_utc
from practice.forms import form_page, place_problem, problems_beside_fields
from practice.settings import practice_settings


def _accept_form(found: SessionRequest, *, blank: bool = False) -> AcceptMoveForm | EmptyForm:
    """Accepting: a bare button for a cancellation, a choice of their times for a move.
    ``blank``: shown afresh, not read from what was sent."""
    sent = {"formdata": None} if blank else {}
    if found.kind is RequestKind.CANCEL:
        return EmptyForm(**sent)
    form = AcceptMoveForm(**sent)
    form.chosen.choices = [(s.isoformat(), format_spoken(s)) for s in found.preferred_starts]
    return form


def _page(case, found: SessionRequest, **forms):
    """The request with the three answers; 400 when the one sent has errors."""
    forms = {
        "accept": _accept_form(found, blank=True),
        "decline": DeclineForm(prefix="decline", formdata=None),
        "suggest": SuggestForm(prefix="suggest", formdata=None),
    } | forms
    sent = next((form for form in forms.values() if form.errors), None)
    return form_page(
        "calendar/request.html",
        sent or forms["accept"],
        case=case,
        asked=found,
        session=found.session,
        forms=forms,
        notice=policy.notice_words(practice_settings().cancellation_notice_hours),
    )


def _done(case, found: SessionRequest, message: str):
    flash(message, "success")
    return redirect(url_for("calendar.session", case_id=case.id, session_id=found.session_id))


@bp.get("/cases/<int:case_id>/requests/<int:request_id>")
@counsellor_required
def change_request(case_id: int, request_id: int):
    """A client's request to move or cancel a session, and the ways to answer it."""
    case = get_case_or_404(case_id)
    found = get_request_or_404(case, request_id)
    audit.record("session_request.view", found)
    return _page(case, found)


@bp.post("/cases/<int:case_id>/requests/<int:request_id>/accept")
@counsellor_required
def accept_request(case_id: int, request_id: int):
    """Do what was asked: the session is cancelled, or moved to the time chosen."""
    case = get_case_or_404(case_id)
    found = get_request_or_404(case, request_id)
    form = _accept_form(found)
    if form.validate_on_submit():
        chosen = datetime.fromisoformat(form.chosen.data) if hasattr(form, "chosen") else None
        with problems_beside_fields(form, ScheduleError):
            accept(found, current_user, now_utc(), chosen)
            done = "cancelled" if found.kind is RequestKind.CANCEL else "moved"
            return _done(case, found, f"Session {done}; both partners it is with are told.")
    return _page(case, found, accept=form)


@bp.post("/cases/<int:case_id>/requests/<int:request_id>/decline")
@counsellor_required
def decline_request(case_id: int, request_id: int):
    """Keep the session as booked, with a message to the partner who asked."""
    case = get_case_or_404(case_id)
    found = get_request_or_404(case, request_id)
    form = DeclineForm(prefix="decline")
    if form.validate_on_submit():
        with problems_beside_fields(form, ScheduleError):
            decline(found, current_user, now_utc(), form.message.data)
            return _done(case, found, f"Declined; {found.partner.first_name} is told.")
    return _page(case, found, decline=form)


@bp.post("/cases/<int:case_id>/requests/<int:request_id>/suggest")
@counsellor_required
def suggest_time(case_id: int, request_id: int):
    """Offer another time, which the partner who asked takes or turns down."""
    case = get_case_or_404(case_id)
    found = get_request_or_404(case, request_id)
    form = SuggestForm(prefix="suggest")
    if form.validate_on_submit():
        try:
            starts_at = local_to_utc(form.day.data, form.time.data)
            suggest(found, current_user, now_utc(), starts_at, form.message.data or "")
        except LocalTimeError as exc:
            form.time.errors = [str(exc)]
        except ScheduleError as exc:
            place_problem(form, exc)
        else:
            return _done(
                case,
                found,
                f"{format_datetime(starts_at)} suggested; {found.partner.first_name} is told.",
            )
    return _page(case, found, suggest=form)
