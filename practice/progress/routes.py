"""A case's progress: the view, check-ins entered in session and how often they are asked,
the cycle, and reviews."""

from datetime import time

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from practice import audit
from practice.auth.access import counsellor_required
from practice.cases.access import get_case_or_404
from practice.database import now_utc
from practice.dates import local, local_to_utc, practice_today
from practice.extensions import db
from practice.forms import form_page, restoring
from practice.idempotency import create_once
from practice.progress.access import get_review_or_404
from practice.progress.change import smallest_reliable_change
from practice.progress.checkins import schedule_words
from practice.progress.csi import ITEMS
from practice.progress.data import progress_for_case
from practice.progress.figures import figures
from practice.progress.forms import (
    CheckInScheduleForm,
    CounsellorCheckInForm,
    CycleForm,
    ReviewForm,
)
from practice.progress.models import ChangeMarker, CheckIn, Marker, NegativeCycle, Review
from practice.progress.reviews import record_review, summary_of
from practice.progress.services import check_in_schedule, new_check_in, set_check_in_schedule
from practice.sessions.models import Session, SessionStatus
from practice.sessions.services import attended_ordinals
from practice.vocabulary import BUILDING_BLOCKS

bp = Blueprint("progress", __name__)


@bp.get("/progress")
@counsellor_required
def view(case_id: int):
    """Measures, EFT stage, homework and the reviews, over time."""
    case = get_case_or_404(case_id)
    return _view_page(case)


def _view_page(case, review_form=None, schedule_form=None):
    """The progress page; a form sent with errors comes back in its place, with a 400."""
    progress = progress_for_case(case, practice_today())
    # The view shows every check-in's answers: the reads are on the trail.
    audit.record(
        "progress.view",
        case,
        check_ins=sum(len(partner.check_ins) for partner in progress.partners),
    )
    every = check_in_schedule(case)
    failed = review_form or schedule_form
    return (
        render_template(
            "progress/view.html",
            case=case,
            p=progress,
            charts=figures(progress),
            review_form=review_form or ReviewForm(reviewed_on=practice_today()),
            schedule_form=schedule_form or CheckInScheduleForm(every=str(every)),
            schedule=schedule_words(every),
        ),
        400 if failed is not None and failed.errors else 200,
    )


@bp.route("/checkins/new", methods=["GET", "POST"])
@counsellor_required
def check_in(case_id: int):
    """Enter a partner's CSI-4 and building blocks, e.g. from a paper form in session."""
    case = get_case_or_404(case_id)
    form = CounsellorCheckInForm(partners=case.partners)
    if request.method == "GET" and not restoring():
        form.completed_on.data = practice_today()
    if form.validate_on_submit():
        completed_at = (
            now_utc()
            if form.completed_on.data == practice_today()
            else local_to_utc(form.completed_on.data, time(12))
        )
        check_in, created = create_once(
            CheckIn,
            form.form_token.data,
            lambda: new_check_in(
                case,
                int(form.partner.data),
                answers=form.answers(),
                blocks=form.blocks(),
                by=current_user,
                completed_at=completed_at,
            ),
        )
        if created:
            audit.record("checkin.create", check_in, by="counsellor")
            flash(f"Check-in saved: CSI-4 total {check_in.csi_total} of 21.", "success")
        return redirect(url_for("progress.view", case_id=case.id))
    return form_page("progress/check_in.html", form, case=case, items=ITEMS)


def _session_labels(case) -> list[tuple[int, str]]:
    ordinals = attended_ordinals(case.id)
    sessions = db.session.scalars(
        sa.select(Session)
        .where(Session.case_id == case.id, Session.status == SessionStatus.ATTENDED)
        .order_by(Session.starts_at)
    )
    return [(s.id, f"Session {ordinals[s.id]}, {local(s.starts_at):%d %b %Y}") for s in sessions]


@bp.route("/cycle", methods=["GET", "POST"])
@counsellor_required
def cycle(case_id: int):
    """The couple's negative cycle, and the session each marker of change was first seen."""
    case = get_case_or_404(case_id)
    current = db.session.get(NegativeCycle, case.id)
    markers = {
        m.marker: m
        for m in db.session.scalars(sa.select(ChangeMarker).where(ChangeMarker.case_id == case.id))
    }
    form = CycleForm(obj=current, sessions=_session_labels(case))
    if request.method == "GET" and not restoring():
        for marker, field in zip(Marker, form.marker_fields(), strict=True):
            field.data = str(markers[marker].session_id) if marker in markers else ""
    if form.validate_on_submit():
        if current is None:
            current = NegativeCycle(case_id=case.id)
            db.session.add(current)
        current.position_a = form.position_a.data
        current.position_b = form.position_b.data
        current.description = (form.description.data or "").strip()
        current.updated_at = now_utc()
        for marker, field in zip(Marker, form.marker_fields(), strict=True):
            _set_marker(case, markers.get(marker), marker, field.data)
        audit.record("cycle.change", case)
        flash("Cycle and markers of change saved.", "success")
        return redirect(url_for("progress.view", case_id=case.id))
    return form_page("progress/cycle.html", form, case=case)


def _set_marker(case, existing: ChangeMarker | None, marker: Marker, session_id: str) -> None:
    # Optional() lets blank through unchecked, and " " is blank to it: "Not yet".
    session_id = (session_id or "").strip()
    if not session_id:
        if existing is not None:
            db.session.delete(existing)
        return
    if existing is None:
        db.session.add(ChangeMarker(case_id=case.id, marker=marker, session_id=int(session_id)))
    else:
        existing.session_id = int(session_id)


@bp.post("/checkins/schedule")
@counsellor_required
def check_in_schedule_form(case_id: int):
    """Set how often this case's partners are asked for a check-in."""
    case = get_case_or_404(case_id)
    form = CheckInScheduleForm()
    if not form.validate_on_submit():
        return _view_page(case, schedule_form=form)
    every = int(form.every.data)
    set_check_in_schedule(case, every, current_user.id)
    audit.record("checkin.schedule", case, every=every)
    flash(f"Check-ins: {schedule_words(every).lower()}.", "success")
    return redirect(url_for("progress.view", case_id=case.id) + "#h-checkin-schedule")


@bp.post("/review")
@counsellor_required
def review(case_id: int):
    """Record a review: the five-session review, or a later one. Its figures are kept
    as they stand on its date (see practice.progress.reviews)."""
    case = get_case_or_404(case_id)
    form = ReviewForm()
    if not form.validate_on_submit():
        return _view_page(case, review_form=form)
    review, created = create_once(
        Review,
        form.form_token.data,
        lambda: record_review(case, form.reviewed_on.data, form.summary.data, current_user.id),
    )
    if created:
        audit.record("review.create", review, case_id=case.id)
        flash("Review recorded, with the figures as they stood that day.", "success")
    return redirect(url_for("progress.show_review", case_id=case.id, review_id=review.id))


@bp.get("/reviews/<int:review_id>")
@counsellor_required
def show_review(case_id: int, review_id: int):
    """One review as it was written: the figures as they stood on its date, and the summary."""
    case = get_case_or_404(case_id)
    review = get_review_or_404(case, review_id)
    audit.record("review.view", review, case_id=case.id)
    return render_template(
        "progress/review.html",
        case=case,
        review=summary_of(review, {p.id: p.first_name for p in case.partners}),
        reviewed_by=review.reviewed_by,
        smallest_change=smallest_reliable_change(),
        blocks=BUILDING_BLOCKS,
    )
