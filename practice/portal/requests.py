"""A partner asks to move or cancel one of their sessions, and answers a suggested time.

Reached from the Appointments page. Everything here is the asking partner's own:
the other partner of a joint session sees none of it, only a change to the
session once the counsellor makes one (``practice.calendar.client_requests``).
"""

from datetime import datetime

from flask import Blueprint, abort, flash, redirect, url_for
from wtforms import TimeField
from wtforms.validators import Optional

from practice.auth.access import client_required
from practice.calendar import policy
from practice.calendar.client_requests import (
    MAX_PREFERRED,
    RequestProblem,
    ask,
    changeable,
    open_request,
    take_suggestion,
    turn_down_suggestion,
    withdraw,
)
from practice.calendar.forms import PlainDatesForm
from practice.calendar.models import RequestKind, SessionRequest
from practice.calendar.recurrence import ScheduleError
from practice.database import now_utc
from practice.dates import LocalTimeError, format_spoken, local_to_utc
from practice.forms import (
    DateField,
    bookable,
    form_page,
    optional_text,
    problems_beside_fields,
    required_choice,
)
from practice.idempotency import create_once, form_token_field
from practice.portal.access import (
    current_partner,
    get_own_request_or_404,
    get_partner_session_or_404,
)
from practice.settings import practice_settings

bp = Blueprint("portal_requests", __name__)

KINDS = {RequestKind.MOVE: "Move it to another time", RequestKind.CANCEL: "Cancel it"}


CHOICE = {1: "1st choice", 2: "2nd choice", 3: "3rd choice"}


def _day(n: int) -> DateField:
    return DateField(f"Date ({CHOICE[n]})", validators=[Optional(), bookable])


def _time(n: int) -> TimeField:
    return TimeField(f"Time ({CHOICE[n]})", validators=[Optional()])


class AskForm(PlainDatesForm):
    """What the partner would like done with a session, and (to move it) when would suit."""

    form_token = form_token_field()
    kind = required_choice(
        "What would you like?", "Choose whether to move or cancel the session.", KINDS
    )
    reason = optional_text(
        "Anything your counsellor should know (optional)",
        "Read by your counsellor only.",
        rows=2,
        limit=1000,
    )
    day_1, time_1 = _day(1), _time(1)
    day_2, time_2 = _day(2), _time(2)
    day_3, time_3 = _day(3), _time(3)

    def preferred(self) -> list[datetime] | None:
        """The times given, as UTC moments; None (with messages beside the fields) if a
        date lacks its time, a time its date, or a time does not exist that day."""
        found, whole = [], True
        for n in range(1, MAX_PREFERRED + 1):
            day, clock = self[f"day_{n}"], self[f"time_{n}"]
            if day.data is None and clock.data is None:
                continue
            if day.data is None or clock.data is None:
                missing = day if day.data is None else clock
                missing.errors = [*missing.errors, "Give both the day and the time."]
                whole = False
                continue
            try:
                found.append(local_to_utc(day.data, clock.data))
            except LocalTimeError as exc:
                clock.errors = [*clock.errors, str(exc)]
                whole = False
        return found if whole else None


def _page(form: AskForm, session, partner, now: datetime):
    hours = practice_settings().cancellation_notice_hours
    return form_page(
        "portal/ask_change.html",
        form,
        partner=partner,
        session=session,
        notice=policy.notice_words(hours),
        late=policy.is_late(session.starts_at, now, hours),
        changeable=changeable(session, now),
        asked=open_request(partner, session),
    )


@bp.route("/<int:session_id>/change", methods=["GET", "POST"])
@client_required
def ask_change(session_id: int):
    """Ask the counsellor to move or cancel one of one's sessions; the policy is shown first."""
    partner = current_partner()
    session = get_partner_session_or_404(partner, session_id)
    now = now_utc()
    form = AskForm()
    if form.validate_on_submit() and (preferred := form.preferred()) is not None:
        kind = RequestKind(form.kind.data)
        hours = practice_settings().cancellation_notice_hours
        with problems_beside_fields(form, ScheduleError):
            made, _ = create_once(
                SessionRequest,
                form.form_token.data,
                lambda: ask(partner, session, kind, form.reason.data or "", preferred, now, hours),
            )
            if made.partner_id != partner.id:  # a form token that was never this form's
                abort(400)
            flash("Your request is sent. Your counsellor’s answer will appear here.", "success")
            return redirect(url_for("portal_calendar.index"))
    return _page(form, session, partner, now)


def _answered(action, request_id: int, done: str):
    """Run ``action`` on the partner's own request; say how it went on the appointments page."""
    found = get_own_request_or_404(current_partner(), request_id)
    try:
        action(found)
    except RequestProblem as exc:
        flash(str(exc), "warning")
    else:
        flash(done.format(when=format_spoken(found.session.starts_at)), "success")
    return redirect(url_for("portal_calendar.index"), 303)


@bp.post("/requests/<int:request_id>/take")
@client_required
def take(request_id: int):
    """Take the time the counsellor suggested: the session moves there."""
    return _answered(
        lambda found: take_suggestion(found, now_utc()),
        request_id,
        "Your session is now on {when}.",
    )


@bp.post("/requests/<int:request_id>/turn-down")
@client_required
def turn_down(request_id: int):
    """Say the suggested time does not suit; the counsellor answers again."""
    return _answered(
        turn_down_suggestion, request_id, "Your counsellor will look for another answer."
    )


@bp.post("/requests/<int:request_id>/withdraw")
@client_required
def withdraw_request(request_id: int):
    """Withdraw one's request; the session stays as booked."""
    return _answered(
        lambda found: withdraw(found, now_utc()),
        request_id,
        "Your request is withdrawn. The session stays on {when}.",
    )
