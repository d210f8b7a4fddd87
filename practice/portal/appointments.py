"""A partner's appointments in the portal: the sessions ahead (with the Join button of a
video session, and their own requests to move or cancel one), a calendar feed, reminders."""

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, url_for
from sqlalchemy.orm import joinedload
from wtforms import BooleanField

from practice import audience, audit
from practice.auth.access import client_required
from practice.auth.forms import EmptyForm
from practice.calendar import policy
from practice.calendar.client_requests import changeable
from practice.calendar.feeds import active_feed, feed_addresses, issue_feed, revoke_feeds
from practice.calendar.models import SessionRequest
from practice.cases.models import Partner
from practice.database import now_utc
from practice.extensions import db
from practice.forms import Form
from practice.portal.access import current_partner
from practice.reminders.models import ReminderKind
from practice.reminders.preferences import set_wanted_kinds, turned_off
from practice.sessions import video
from practice.sessions.models import Session, SessionStatus
from practice.settings import practice_settings

bp = Blueprint("portal_calendar", __name__)

SHOWN = (SessionStatus.SCHEDULED, SessionStatus.CANCELLED)


def upcoming_for(partner: Partner, now: datetime, limit: int = 10) -> list[Session]:
    """The partner's sessions from now on (cancelled ones too, marked), soonest first."""
    found = db.session.scalars(
        sa.select(Session)
        .where(
            Session.case_id == partner.case_id,
            Session.status.in_(SHOWN),
            Session.ends_at > now,
        )
        .options(joinedload(Session.counsellor))
        .order_by(Session.starts_at)
        .limit(4 * limit)
    )
    return audience.sessions_for(partner, found)[:limit]


@dataclass
class Appointment:
    """A session as one partner's portal shows it."""

    session: Session
    #: The video link, only while the Join button shows (JOIN_BEFORE the start to the end).
    join_link: str | None
    #: For a video session still to come: when the Join button will appear.
    joins_from: datetime | None
    #: The partner's own latest request about it, if any.
    request: SessionRequest | None
    #: Whether the partner may ask to move or cancel it now.
    can_ask: bool


def appointments_for(
    partner: Partner,
    now: datetime,
    limit: int = 10,
    *,
    requests: bool = True,
    sessions: list[Session] | None = None,
) -> list[Appointment]:
    """The partner's sessions ahead, each with what the partner alone may see of it;
    without their requests when ``requests`` is off (the home page shows none).
    ``sessions``: their sessions ahead, when the caller has already read them."""
    sessions = upcoming_for(partner, now, limit) if sessions is None else sessions[:limit]
    practice = practice_settings()
    latest = _own_requests(partner, [s.id for s in sessions]) if requests else {}
    found = []
    for session in sessions:
        link = video.link_for_reader(partner, session, practice)
        scheduled = session.status is SessionStatus.SCHEDULED
        is_open = scheduled and video.join_open(session.starts_at, session.ends_at, now)
        request = latest.get(session.id)
        found.append(
            Appointment(
                session=session,
                join_link=link if is_open else None,
                joins_from=video.joins_from(session.starts_at)
                if session.by_video and scheduled and not is_open
                else None,
                request=request,
                can_ask=changeable(session, now) and not (request and request.is_open),
            )
        )
    return found


def _own_requests(partner: Partner, session_ids: list[int]) -> dict[int, SessionRequest]:
    """The partner's latest request about each of these sessions; never the other partner's."""
    if not session_ids:
        return {}
    found = db.session.scalars(
        sa.select(SessionRequest)
        .where(
            SessionRequest.partner_id == partner.id,
            SessionRequest.session_id.in_(session_ids),
        )
        .order_by(SessionRequest.id)
    )
    return {request.session_id: request for request in found}


class ReminderForm(Form):
    appointment = BooleanField(ReminderKind.APPOINTMENT.label)
    homework = BooleanField(ReminderKind.HOMEWORK.label)
    check_in = BooleanField(ReminderKind.CHECK_IN.label)
    message = BooleanField(ReminderKind.MESSAGE.label)

    def wanted(self) -> set[ReminderKind]:
        return {kind for kind in ReminderKind if self[kind.name.lower()].data}


def _page(partner: Partner, form: ReminderForm | None = None, **context):
    if form is None:
        off = turned_off(partner)
        form = ReminderForm(data={k.name.lower(): k not in off for k in ReminderKind})
    return render_template(
        "portal/appointments.html",
        partner=partner,
        appointments=appointments_for(partner, now_utc()),
        notice=policy.notice_words(practice_settings().cancellation_notice_hours),
        feed=active_feed(partner=partner),
        form=form,
        empty=EmptyForm(),
        email=partner.email or partner.user.email,
        **context,
    )


@bp.get("/")
@client_required
def index():
    """The partner's sessions ahead, their calendar feed and their reminder choices."""
    return _page(current_partner())


@bp.post("/reminders")
@client_required
def reminders():
    """Turn each kind of reminder on or off."""
    partner = current_partner()
    form = ReminderForm()
    if not form.validate_on_submit():
        return _page(partner, form), 400
    off = set_wanted_kinds(partner, form.wanted())
    audit.record("reminders.choose", partner, off=sorted(k.value for k in off))
    flash("Your reminder choices are saved.", "success")
    return redirect(url_for("portal_calendar.index"))


@bp.post("/feed/new")
@client_required
def feed_new():
    """Make a calendar address for the partner's own sessions; shown only now."""
    partner = current_partner()
    feed, token = issue_feed(partner=partner)
    audit.record("feed.create", feed, holder="client")
    return _page(partner, **feed_addresses(token))


@bp.post("/feed/revoke")
@client_required
def feed_revoke():
    """Stop the partner's calendar address working."""
    partner = current_partner()
    if revoke_feeds(partner=partner):
        audit.record("feed.revoke", partner, holder="client")
        flash("Your calendar address no longer works.", "success")
    return redirect(url_for("portal_calendar.index"))
