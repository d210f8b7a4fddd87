"""One session in the diary: move it, cancel it, mark a no-show; a series and its end."""

import sqlalchemy as sa
from flask import flash, redirect, render_template, request, url_for

from practice.auth.access import counsellor_required
from practice.auth.forms import EmptyForm
from practice.calendar import policy
from practice.calendar.access import get_series_or_404
from practice.calendar.blueprint import bp
from practice.calendar.booking import local_day, slot_at
from practice.calendar.client_requests import open_requests_of
from practice.calendar.forms import CancelForm, EndSeriesForm, TimesForm
from practice.calendar.models import SeriesOccurrence
from practice.calendar.recurrence import ScheduleError, zone_named
from practice.calendar.services import (
    cancel,
    end_series,
    is_late,
    mark_no_show,
    move,
    series_sessions,
)
from practice.cases.access import get_case_or_404
from practice.database import now_utc
from practice.dates import local
from practice.extensions import db
from practice.forms import form_page, problems_beside_fields, restoring
from practice.sessions import video
from practice.sessions.access import get_session_or_404
from practice.sessions.models import Session
from practice.settings import practice_settings


def week_of(session: Session) -> str:
    """The diary's week holding ``session``, to go back to after changing it."""
    return url_for("calendar.week", start=local_day(session))


def _occurrence(session_id: int) -> SeriesOccurrence | None:
    return db.session.scalar(
        sa.select(SeriesOccurrence)
        .where(SeriesOccurrence.session_id == session_id)
        .options(sa.orm.joinedload(SeriesOccurrence.series))
    )


def _page(case, session, **context):
    practice = practice_settings()
    return {
        "case": case,
        "session": session,
        "occurrence": _occurrence(session.id),
        "now": now_utc(),
        "notice": policy.notice_words(practice.cancellation_notice_hours),
        "video_link": video.link_for(session, practice),
        **context,
    }


@bp.get("/cases/<int:case_id>/sessions/<int:session_id>")
@counsellor_required
def session(case_id: int, session_id: int):
    """A session as the diary sees it: when, with whom, its series, and what can change."""
    case = get_case_or_404(case_id)
    found = get_session_or_404(case, session_id)
    return render_template(
        "calendar/session.html",
        **_page(
            case,
            found,
            form=EmptyForm(),
            late=is_late(found, now_utc()),
            requests=open_requests_of([found.id]).get(found.id, []),
            no_video_consent=video.video_consent_missing(case) if found.by_video else [],
        ),
    )


@bp.route("/cases/<int:case_id>/sessions/<int:session_id>/move", methods=["GET", "POST"])
@counsellor_required
def move_session(case_id: int, session_id: int):
    """Move one session to another day or time; the rest of its series stays put."""
    case = get_case_or_404(case_id)
    found = get_session_or_404(case, session_id)
    form = TimesForm()
    if request.method == "GET" and not restoring():
        starts = local(found.starts_at)
        form.day.data, form.time.data = starts.date(), starts.time()
        form.duration.data = found.duration_minutes
    if form.validate_on_submit():
        with problems_beside_fields(form, ScheduleError):
            zone = zone_named(practice_settings().timezone)
            move(found, slot_at(form.day.data, form.time.data, form.duration.data, zone))
            flash(f"Session with {case.label} moved.", "success")
            return redirect(week_of(found))
    return form_page("calendar/move.html", form, **_page(case, found))


@bp.route("/cases/<int:case_id>/sessions/<int:session_id>/cancel", methods=["GET", "POST"])
@counsellor_required
def cancel_session(case_id: int, session_id: int):
    """Cancel one session with a reason, marking it late when it is short notice."""
    case = get_case_or_404(case_id)
    found = get_session_or_404(case, session_id)
    form = CancelForm()
    form.late.label.text = (
        "Late cancellation (less than "
        f"{policy.notice_words(practice_settings().cancellation_notice_hours)})"
    )
    if request.method == "GET" and not restoring():
        form.late.data = is_late(found, now_utc())
    if form.validate_on_submit():
        try:
            cancel(found, form.reason.data.strip(), bool(form.late.data))
        except ScheduleError as exc:
            form.form_errors.append(str(exc))
        else:
            flash(f"Session with {case.label} cancelled.", "success")
            return redirect(week_of(found))
    return form_page("calendar/cancel.html", form, **_page(case, found))


@bp.post("/cases/<int:case_id>/sessions/<int:session_id>/no-show")
@counsellor_required
def no_show(case_id: int, session_id: int):
    """Record that nobody came to a session that has begun."""
    case = get_case_or_404(case_id)
    found = get_session_or_404(case, session_id)
    try:
        mark_no_show(found, now_utc())
    except ScheduleError as exc:
        flash(str(exc), "warning")
        return redirect(url_for("calendar.session", case_id=case.id, session_id=found.id)), 303
    flash("Marked as a no-show.", "success")
    return redirect(url_for("calendar.session", case_id=case.id, session_id=found.id))


@bp.route("/cases/<int:case_id>/series/<int:series_id>", methods=["GET", "POST"])
@counsellor_required
def series(case_id: int, series_id: int):
    """A series: each of its sessions and what became of it; end it early."""
    case = get_case_or_404(case_id)
    found = get_series_or_404(case, series_id)
    form = EndSeriesForm()
    if form.validate_on_submit():
        cancelled = end_series(found, form.after.data, now_utc())
        flash(
            f"Series ended after {form.after.data.day} {form.after.data:%b %Y}: "
            f"{cancelled} later session{'s' if cancelled != 1 else ''} cancelled.",
            "success",
        )
        return redirect(url_for("calendar.series", case_id=case.id, series_id=found.id))
    return form_page(
        "calendar/series.html",
        form,
        case=case,
        series=found,
        sessions=series_sessions(found),
        now=now_utc(),
    )
