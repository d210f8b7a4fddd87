"""The emails about clients' requests: plain facts and a link to the portal, nothing more.

No reason, no reply and no name of who asked goes in an email: email is read on
shared screens and phones, and the outbox is read by the owner. When a session
changes, each partner it is with gets the same message, whoever asked.
"""

from datetime import datetime

from flask import current_app, has_request_context, render_template, url_for

from practice import audience, mail
from practice.calendar.models import SessionRequest
from practice.dates import format_spoken
from practice.reminders.due import address
from practice.sessions.models import Session, SessionStatus
from practice.settings import practice_settings


def portal_link() -> str:
    """The portal's appointments page, from the request or, in a command, MEND_BASE_URL."""
    if has_request_context():
        return url_for("portal_calendar.index", _external=True)
    with current_app.test_request_context("/", base_url=current_app.config["BASE_URL"]):
        return url_for("portal_calendar.index", _external=True)


def tell_changed(session: Session, was: datetime) -> None:
    """Tell each partner the session is with that it was cancelled or moved."""
    cancelled = session.status is SessionStatus.CANCELLED
    subject = (
        f"Your session on {format_spoken(was)} is cancelled"
        if cancelled
        else f"Your session has moved to {format_spoken(session.starts_at)}"
    )
    for partner in session.case.partners:
        to = address(partner)
        if not to or not audience.may_read(partner, audience.of_session(session)):
            continue
        body = render_template(
            "mail/session_changed.txt",
            first_name=partner.first_name,
            counsellor=session.counsellor.name,
            was=format_spoken(was),
            when=None if cancelled else format_spoken(session.starts_at),
            minutes=session.duration_minutes,
            practice=practice_settings(),
            link=portal_link(),
        )
        mail.send("session-changed", to, subject[:200], body, case_id=session.case_id)


def tell_answered(request: SessionRequest) -> None:
    """Tell the partner who asked that their counsellor has answered; the answer is in the
    portal, not in the email."""
    partner = request.partner
    to = address(partner)
    if not to:
        return
    body = render_template(
        "mail/request_answered.txt",
        first_name=partner.first_name,
        when=format_spoken(request.session.starts_at),
        practice=practice_settings(),
        link=portal_link(),
    )
    mail.send(
        "request-answered",
        to,
        "Your counsellor has answered your request",
        body,
        case_id=request.case_id,
    )
