"""Finding what the calendar shows and changes.

:func:`diary_holder` is the one place that decides whose diary a person may
read: their own; the owner may read any counsellor's (times and case labels,
never a note); anyone else's answers 404. A case's series of sessions is found
inside a case already loaded through ``get_case_or_404``; its single sessions
through ``practice.sessions.access.get_session_or_404``; a client's request about one
of its sessions through :func:`get_request_or_404`.
"""

import sqlalchemy as sa
from flask import abort
from flask_login import current_user

from practice.auth.models import User
from practice.calendar.diary import STAFF
from practice.calendar.models import SessionRequest, SessionSeries
from practice.cases.models import Case
from practice.extensions import db
from practice.sessions.models import Session


def diary_holder(counsellor_id: int | None) -> User:
    """The counsellor whose diary is asked for, if the current user may read it; else 404."""
    if counsellor_id is None or counsellor_id == current_user.id:
        return current_user
    if not current_user.is_owner:
        abort(404)
    return db.first_or_404(sa.select(User).where(User.id == counsellor_id, User.role.in_(STAFF)))


def get_series_or_404(case: Case, series_id: int) -> SessionSeries:
    """A series of ``case``; 404 for any other."""
    return db.first_or_404(
        sa.select(SessionSeries).where(
            SessionSeries.id == series_id, SessionSeries.case_id == case.id
        )
    )


def get_request_or_404(case: Case, request_id: int) -> SessionRequest:
    """A client's request about a session of ``case``; 404 for any other."""
    return db.first_or_404(
        sa.select(SessionRequest)
        .where(SessionRequest.id == request_id, SessionRequest.case_id == case.id)
        .options(
            sa.orm.joinedload(SessionRequest.session).joinedload(Session.counsellor),
            sa.orm.joinedload(SessionRequest.partner),
        )
    )
