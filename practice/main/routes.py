"""The front door: where each role lands, and the health check."""

import sqlalchemy as sa
from flask import Blueprint, jsonify, redirect, render_template, url_for
from flask_login import current_user

from practice.admin.models import PracticeSettings
from practice.auth.access import counsellor_required
from practice.auth.models import Role, User
from practice.calendar.models import RequestStatus
from practice.cases.models import Case
from practice.database import now_utc
from practice.dates import practice_today
from practice.extensions import db
from practice.main.agenda import DAYS_AHEAD, agenda_and_requests
from practice.main.dashboard import OPEN, attention
from practice.messages.unread import unread_for_counsellor
from practice.progress.change import smallest_reliable_change
from practice.screening.alerts import open_alerts_of

bp = Blueprint("main", __name__)


@bp.get("/")
def index():
    """Send each person to their own home page, or to the login page."""
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    if current_user.is_client:
        return redirect(url_for("portal.home"))
    return redirect(url_for("main.dashboard"))


@bp.get("/dashboard")
@counsellor_required
def dashboard():
    """The counsellor's start page: the coming days' sessions, and what needs
    attention across the caseload."""
    today = practice_today()
    mine = attention(current_user, today)
    days, asked = agenda_and_requests(current_user, now_utc()) if mine.open_cases else ([], [])
    return render_template(
        "main/dashboard.html",
        agenda=days,
        requests=[r for r in asked if r.status is RequestStatus.PENDING],
        days_ahead=DAYS_AHEAD,
        attention=mine,
        alerts=open_alerts_of(current_user),
        messages_waiting=unread_for_counsellor(current_user),
        today=today,
        setup=practice_setup() if current_user.is_owner else None,
        practice_open=practice_open_cases() if current_user.is_owner and not mine.open_cases else 0,
        reliable_points=smallest_reliable_change(),
    )


def practice_open_cases() -> int:
    """For an owner with no cases of their own: how many the practice has open."""
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(Case).where(Case.status.in_(OPEN))
    )


def practice_setup() -> dict[str, bool]:
    """For the owner: which first steps of setting up the practice are done."""
    return {
        "settings": db.session.scalar(sa.select(PracticeSettings.id).limit(1)) is not None,
        "counsellors": db.session.scalar(
            sa.select(User.id).where(User.role == Role.COUNSELLOR).limit(1)
        )
        is not None,
    }


@bp.get("/healthz")
def healthz():
    """200 once the database answers; for load balancers and monitoring."""
    try:
        db.session.execute(sa.text("SELECT 1"))
    except sa.exc.SQLAlchemyError:
        return jsonify(status="unavailable", database="unreachable"), 503
    return jsonify(status="ok", database="ok")
