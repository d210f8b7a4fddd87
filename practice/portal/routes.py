"""The client portal: each partner's homework, entries, shared entries and resources."""

import json
from datetime import timedelta
from types import SimpleNamespace

import sqlalchemy as sa
from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from practice import audit
from practice.admin.models import PracticeSettings
from practice.auth.access import client_required
from practice.auth.forms import EmptyForm
from practice.cases.models import CaseStatus
from practice.database import now_utc
from practice.dates import practice_today
from practice.extensions import db
from practice.homework.forms import EntryForm
from practice.homework.models import Assignment, AssignmentStatus, HomeworkEntry
from practice.homework.services import entry_days, new_entry, progress_for
from practice.idempotency import create_once
from practice.portal.access import (
    current_partner,
    get_assignment_or_404,
    get_entry_or_404,
    partner_entries_options,
    visible_entries,
)
from practice.portal.appointments import upcoming_for
from practice.portal.record import partner_record
from practice.progress.checkins import check_in_due
from practice.progress.csi import ITEMS
from practice.progress.forms import CheckInForm
from practice.progress.models import CheckIn
from practice.progress.services import new_check_in
from practice.reports.data import letterhead
from practice.reports.pdf import render_pdf
from practice.reports.routes import handout_pdf, pdf_response, progress_pdf, worksheet_pdf
from practice.sessions.models import Session, SessionStatus
from practice.web import form_page, settings

bp = Blueprint("portal", __name__)

RECENT = 30  # days a finished piece of homework stays on the home page


@bp.get("/")
@client_required
def home():
    """This week's homework for the logged-in partner: what is due and what is done."""
    partner = current_partner()
    case = partner.case
    today = practice_today()
    assignments = [
        a
        for a in db.session.scalars(
            sa.select(Assignment)
            .where(Assignment.case_id == case.id, Assignment.status == AssignmentStatus.ACTIVE)
            .options(sa.orm.joinedload(Assignment.exercise))
            .order_by(Assignment.starts_on, Assignment.id)
        )
        if a.is_for(partner) and (a.due_on is None or (today - a.due_on).days <= RECENT)
    ]
    days = entry_days(case)
    progress = {a.id: _mine(progress_for(a, case, days, today), partner) for a in assignments}
    shared = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(HomeworkEntry)
        .where(
            HomeworkEntry.case_id == case.id,
            HomeworkEntry.partner_id != partner.id,
            HomeworkEntry.shared.is_(True),
        )
    )
    return render_template(
        "portal/home.html",
        partner=partner,
        case=case,
        today=today,
        assignments=assignments,
        progress=progress,
        shared=shared,
        settings=PracticeSettings.get(),
        check_in=check_in_asked(partner),
        appointments=upcoming_for(partner, now_utc(), limit=3),
    )


def _mine(progress, partner):
    """The line of progress that concerns this partner (their own, or the couple's)."""
    return next((p for p in progress if p.partner is None or p.partner.id == partner.id), None)


@bp.route("/homework/<int:assignment_id>", methods=["GET", "POST"])
@client_required
def homework(assignment_id: int):
    """An exercise: instructions, the counsellor's words, the prompts, and recording it."""
    partner = current_partner()
    assignment = get_assignment_or_404(partner, assignment_id)
    version = assignment.exercise
    form = EntryForm(prompts=version.prompts, starts_on=assignment.starts_on)
    if request.method == "GET":
        form.done_on.data = practice_today()
    closed = _why_closed(assignment, partner)
    if form.is_submitted() and closed:
        form.validate()
        form.form_errors.append(f"{closed} What you typed is below; copy it to keep it.")
    elif form.validate_on_submit():
        entry, created = create_once(
            HomeworkEntry, form.form_token.data, lambda: new_entry(assignment, partner, form)
        )
        if created:
            audit.record("entry.create", entry, shared=entry.shared)
            flash(
                "Saved. Well done for doing it."
                + (
                    " Your partner can read this entry."
                    if entry.shared
                    else " Only your counsellor can read it."
                ),
                "success",
            )
        return redirect(url_for("portal.home"))
    entries = db.session.scalars(
        visible_entries(partner)
        .where(HomeworkEntry.assignment_id == assignment.id)
        .options(*partner_entries_options())
        .order_by(HomeworkEntry.done_on.desc(), HomeworkEntry.id.desc())
    ).all()
    progress = _mine(
        progress_for(assignment, partner.case, entry_days(partner.case), practice_today()), partner
    )
    return form_page(
        "portal/homework.html",
        form,
        partner=partner,
        assignment=assignment,
        exercise=version,
        entries=entries,
        progress=progress,
        closed=closed,
    )


def _why_closed(assignment, partner) -> str | None:
    """Why new entries cannot be made for this homework; None while they can."""
    if partner.case.status is CaseStatus.CLOSED:
        return "Your counselling here has ended, so new entries can't be saved."
    if not assignment.is_active:
        return "Your counsellor has withdrawn this homework, so new entries can't be saved."
    return None


@bp.get("/entries")
@client_required
def entries():
    """The partner's own entries, newest first."""
    partner = current_partner()
    page = db.paginate(
        sa.select(HomeworkEntry)
        .where(HomeworkEntry.partner_id == partner.id)
        .options(*partner_entries_options())
        .order_by(HomeworkEntry.done_on.desc(), HomeworkEntry.id.desc()),
        per_page=20,
    )
    return render_template("portal/entries.html", partner=partner, page=page, mine=True)


@bp.get("/shared")
@client_required
def shared():
    """Entries the other partner chose to share."""
    partner = current_partner()
    page = db.paginate(
        sa.select(HomeworkEntry)
        .where(
            HomeworkEntry.case_id == partner.case_id,
            HomeworkEntry.partner_id != partner.id,
            HomeworkEntry.shared.is_(True),
        )
        .options(*partner_entries_options())
        .order_by(HomeworkEntry.done_on.desc(), HomeworkEntry.id.desc()),
        per_page=20,
    )
    return render_template("portal/entries.html", partner=partner, page=page, mine=False)


@bp.get("/entries/<int:entry_id>")
@client_required
def entry(entry_id: int):
    """One entry: the partner's own, or one the other partner shared."""
    partner = current_partner()
    entry = get_entry_or_404(partner, entry_id)
    audit.record("entry.view", entry, own=entry.partner_id == partner.id)
    return render_template("portal/entry.html", partner=partner, entry=entry, form=EmptyForm())


@bp.post("/entries/<int:entry_id>/sharing")
@client_required
def sharing(entry_id: int):
    """Share one's own entry with the other partner, or stop sharing it."""
    partner = current_partner()
    entry = get_entry_or_404(partner, entry_id, own=True)
    entry.shared = request.form.get("share") == "1"
    audit.record("entry.share" if entry.shared else "entry.unshare", entry)
    flash(
        "Your partner can now read this entry."
        if entry.shared
        else "This entry is private again: only your counsellor can read it.",
        "success",
    )
    return redirect(url_for("portal.entry", entry_id=entry.id))


@bp.get("/resources")
@client_required
def resources():
    """Where to turn for support, set by the practice."""
    partner = current_partner()
    return render_template(
        "portal/resources.html", partner=partner, settings=PracticeSettings.get()
    )


@bp.route("/checkin", methods=["GET", "POST"])
@client_required
def check_in():
    """The CSI-4 and the building blocks, as the partner sees the relationship now."""
    partner = current_partner()
    form = CheckInForm()
    if form.validate_on_submit():
        check_in, created = create_once(
            CheckIn,
            form.form_token.data,
            lambda: new_check_in(partner.case, partner.id, form, current_user, now_utc()),
        )
        if created:
            audit.record("checkin.create", check_in, total=check_in.csi_total, by="client")
            flash("Thank you. Your counsellor will look at this with you.", "success")
        return redirect(url_for("portal.home"))
    return form_page("portal/checkin.html", form, partner=partner, items=ITEMS)


def check_in_asked(partner) -> bool:
    """Whether the portal should ask this partner for a check-in now."""
    now = now_utc()
    next_session = db.session.scalar(
        sa.select(sa.func.min(Session.starts_at)).where(
            Session.case_id == partner.case_id,
            Session.status == SessionStatus.SCHEDULED,
            Session.starts_at >= now - timedelta(hours=2),
        )
    )
    last_session = db.session.scalar(
        sa.select(sa.func.max(Session.starts_at)).where(
            Session.case_id == partner.case_id, Session.status == SessionStatus.ATTENDED
        )
    )
    last_check_in = db.session.scalar(
        sa.select(sa.func.max(CheckIn.completed_at)).where(CheckIn.partner_id == partner.id)
    )
    return check_in_due(now, next_session, last_session, last_check_in)


@bp.get("/documents")
@client_required
def documents():
    """Handouts of the case's sessions, worksheets of the partner's homework, the shared report."""
    partner = current_partner()
    sessions = db.session.scalars(
        sa.select(Session)
        .where(Session.case_id == partner.case_id, Session.status == SessionStatus.ATTENDED)
        .order_by(Session.starts_at.desc())
    ).all()
    assignments = [
        a
        for a in db.session.scalars(
            sa.select(Assignment)
            .where(Assignment.case_id == partner.case_id)
            .options(sa.orm.joinedload(Assignment.exercise))
            .order_by(Assignment.starts_on.desc())
        )
        if a.is_for(partner)
    ]
    return render_template(
        "portal/documents.html", partner=partner, sessions=sessions, assignments=assignments
    )


def _attended_session_or_404(partner, session_id: int) -> Session:
    session = db.session.scalar(
        sa.select(Session).where(
            Session.id == session_id,
            Session.case_id == partner.case_id,
            Session.status == SessionStatus.ATTENDED,
        )
    )
    if session is None:
        abort(404)
    return session


@bp.get("/handouts/<int:session_id>.pdf")
@client_required
def handout(session_id: int):
    """The handout of one of the partner's own sessions."""
    partner = current_partner()
    session = _attended_session_or_404(partner, session_id)
    return handout_pdf(partner.case, session, "client")


@bp.get("/worksheets/<int:assignment_id>.pdf")
@client_required
def worksheet(assignment_id: int):
    """A printable worksheet of the partner's own homework."""
    partner = current_partner()
    return worksheet_pdf(partner.case, get_assignment_or_404(partner, assignment_id), "client")


@bp.get("/progress.pdf")
@client_required
def progress_report():
    """The progress report, once the counsellor has shared it."""
    partner = current_partner()
    if not partner.case.progress_shared:
        abort(404)
    return progress_pdf(partner.case, "client")


@bp.get("/my-record.json")
@client_required
def my_record_json():
    """Everything the portal holds about the partner, as JSON (the right of access)."""
    partner = current_partner()
    record = partner_record(partner)
    audit.record("record.export", partner, case_id=partner.case_id, format="json")
    response = Response(
        json.dumps(record, indent=2, ensure_ascii=False), mimetype="application/json"
    )
    response.headers.set(
        "Content-Disposition",
        "attachment",
        filename=f"my-record-{practice_today().isoformat()}.json",
    )
    return response


@bp.get("/my-record.pdf")
@client_required
def my_record_pdf():
    """The same record as a readable PDF."""
    partner = current_partner()
    record = partner_record(partner)
    practice = settings()
    head = letterhead(practice, "Your record", partner.name, practice_today(), partner.name)
    pdf = render_pdf(
        "reports/record.html",
        page_size=practice.page_size,
        r=SimpleNamespace(head=head, record=record, items=ITEMS),
    )
    audit.record("record.export", partner, case_id=partner.case_id, format="pdf")
    return pdf_response(pdf, f"my-record-{practice_today().isoformat()}.pdf")
