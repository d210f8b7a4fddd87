"""What a client reaches: their own case, homework for them, and shared entries.

:func:`current_partner` is the client's way into their case; the helpers below
only look inside it. Anything outside answers 404.
"""

import sqlalchemy as sa
from flask import abort
from flask_login import current_user
from sqlalchemy.orm import joinedload, selectinload

from practice import audience
from practice.calendar.models import SessionRequest
from practice.cases.models import Case, Partner
from practice.extensions import db
from practice.homework.models import Assignment, HomeworkEntry
from practice.sessions.models import Session


def current_partner() -> Partner:
    """The partner record of the logged-in client, with their case and its partners."""
    if not current_user.is_authenticated or not current_user.is_client:
        abort(404)
    partner = db.session.scalar(
        sa.select(Partner)
        .where(Partner.user_id == current_user.id)
        .options(joinedload(Partner.case).selectinload(Case.partners))
    )
    if partner is None:
        abort(404)
    return partner


def get_partner_assignment_or_404(partner: Partner, assignment_id: int) -> Assignment:
    """Homework of the partner's case that is for them (or for both)."""
    return db.first_or_404(
        audience.assignments_for(partner)
        .where(Assignment.id == assignment_id)
        .options(joinedload(Assignment.exercise))
    )


def visible_entries(partner: Partner) -> sa.Select:
    """Entries the partner may read: their own, and those the other partner shared."""
    return audience.entries_for(partner)


def get_partner_entry_or_404(
    partner: Partner, entry_id: int, *, own: bool = False
) -> HomeworkEntry:
    """An entry the partner may read: their own, or one the other partner shared.
    With ``own``, only their own (to change or unshare it)."""
    query = (
        visible_entries(partner)
        if not own
        else sa.select(HomeworkEntry).where(HomeworkEntry.partner_id == partner.id)
    )
    return db.first_or_404(
        query.where(HomeworkEntry.id == entry_id).options(
            joinedload(HomeworkEntry.partner),
            joinedload(HomeworkEntry.assignment).joinedload(Assignment.exercise),
        )
    )


def get_handout_session_or_404(partner: Partner, session_id: int) -> Session:
    """A session of the partner's case whose handout is theirs to read: one they came to."""
    session = db.first_or_404(
        sa.select(Session).where(Session.id == session_id, Session.case_id == partner.case_id)
    )
    if not audience.may_read(partner, audience.of_handout(session)):
        abort(404)
    return session


def partner_entries_options():
    return (
        selectinload(HomeworkEntry.partner),
        selectinload(HomeworkEntry.assignment).joinedload(Assignment.exercise),
    )


def get_partner_session_or_404(partner: Partner, session_id: int) -> Session:
    """A session of the partner's case that is with them (the audience rule): their own
    individual sessions and the couple's joint ones, never the other partner's."""
    session = db.first_or_404(
        sa.select(Session)
        .where(Session.id == session_id, Session.case_id == partner.case_id)
        .options(joinedload(Session.counsellor))
    )
    if not audience.may_read(partner, audience.of_session(session)):
        abort(404)
    return session


def get_own_request_or_404(partner: Partner, request_id: int) -> SessionRequest:
    """A request to move or cancel a session that this partner made; anyone else's is a 404,
    the other partner's included."""
    request = db.first_or_404(
        sa.select(SessionRequest)
        .where(SessionRequest.id == request_id, SessionRequest.partner_id == partner.id)
        .options(joinedload(SessionRequest.session))
    )
    if not audience.may_read(partner, audience.of_session(request.session)):
        abort(404)  # the session has since been made the other partner's alone
    return request
