"""The client portal: each partner's homework, entries, shared entries and resources."""

import json
from types import SimpleNamespace

import sqlalchemy as sa
from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from practice import audience, audit
from practice.audience import other_partner
from practice.auth.access import client_required
from practice.auth.forms import EmptyForm
from practice.cases.models import CaseStatus
from practice.database import now_utc
from practice.dates import format_datetime, local, practice_today
from practice.extensions import db
from practice.forms import form_page, restoring
from practice.homework.drafts import discard_draft, draft_for, keep_draft
from practice.homework.forms import DraftForm, EntryCorrectionForm, EntryForm
from practice.homework.models import Assignment, AssignmentStatus, HomeworkEntry
from practice.homework.services import (
    correct_entry,
    correctable,
    correctable_until,
    entry_days,
    new_entry,
    progress_for,
)
from practice.idempotency import already_made, create_once
from practice.pagination import paginate
from practice.portal.access import (
    current_partner,
    get_handout_session_or_404,
    get_partner_assignment_or_404,
    get_partner_entry_or_404,
    partner_entries_options,
    visible_entries,
)
from practice.portal.appointments import appointments_for, upcoming_for
from practice.portal.first_steps import first_steps
from practice.portal.record import partner_record
from practice.progress.asked import check_in_this_window, check_ins_to_ask, upcoming_sessions
from practice.progress.checkins import ASK_BEFORE
from practice.progress.csi import ITEMS
from practice.progress.forms import CheckInForm
from practice.progress.models import CheckIn
from practice.progress.services import new_check_in
from practice.reports.data import letterhead
from practice.reports.downloads import (
    client_closing_pdf,
    client_progress_pdf,
    handout_pdf,
    pdf_response,
    worksheet_pdf,
)
from practice.reports.forms import ScoreSharingForm
from practice.reports.pdf import render_pdf
from practice.safety.models import Referral
from practice.sessions.models import Session, SessionStatus
from practice.settings import practice_settings

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
            audience.assignments_for(partner)
            .where(Assignment.status == AssignmentStatus.ACTIVE)
            .options(sa.orm.joinedload(Assignment.exercise))
            .order_by(Assignment.starts_on, Assignment.id)
        )
        if a.due_on is None or (today - a.due_on).days <= RECENT
    ]
    days = entry_days(case, partner)
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
    upcoming = upcoming_for(partner, now_utc())
    return render_template(
        "portal/home.html",
        partner=partner,
        case=case,
        today=today,
        assignments=assignments,
        progress=progress,
        shared=shared,
        check_in=check_in_asked(partner),
        appointments=appointments_for(
            partner, now_utc(), limit=3, requests=False, sessions=upcoming
        ),
        first_steps=first_steps(partner, upcoming),
    )


def _mine(progress, partner):
    """The line of progress that concerns this partner (their own, or the couple's)."""
    return next((p for p in progress if p.partner is None or p.partner.id == partner.id), None)


@bp.route("/homework/<int:assignment_id>", methods=["GET", "POST"])
@client_required
def homework(assignment_id: int):
    """An exercise: instructions, the counsellor's words, the prompts, and recording it."""
    partner = current_partner()
    assignment = get_partner_assignment_or_404(partner, assignment_id)
    version = assignment.exercise
    form = EntryForm(prompts=version.prompts, starts_on=assignment.starts_on)
    closed = _why_closed(assignment, partner)
    # The partner's own draft, never the other partner's; a form parked when the
    # login ended is newer still and wins.
    draft = draft_for(assignment, partner) if request.method == "GET" and not closed else None
    if request.method == "GET":
        form.done_on.data = practice_today()
        if draft is not None and not restoring():
            form.fill(draft)
        else:
            draft = None
    if form.is_submitted() and closed:
        form.validate()
        form.form_errors.append(f"{closed} What you typed is below; copy it to keep it.")
    elif form.validate_on_submit():
        entry, created = create_once(
            HomeworkEntry,
            form.form_token.data,
            lambda: new_entry(assignment, partner, **form.given()),
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
        progress_for(assignment, partner.case, entry_days(partner.case, partner), practice_today()),
        partner,
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
        draft=draft,
    )


@bp.post("/homework/<int:assignment_id>/draft")
@client_required
def draft(assignment_id: int):
    """Keep what the partner has typed so far as their own draft; JSON in and out."""
    partner = current_partner()
    assignment = get_partner_assignment_or_404(partner, assignment_id)
    if closed := _why_closed(assignment, partner):
        return {"saved": False, "error": closed}, 409
    if already_made(HomeworkEntry, request.form.get("form_token")):
        # A save still on its way when the entry was sent must not bring the draft back.
        return {"saved": False, "error": "This entry is already saved."}, 409
    form = DraftForm(prompts=assignment.exercise.prompts, starts_on=assignment.starts_on)
    if not form.validate():
        return {"saved": False, "error": _first(form.errors), "errors": form.errors}, 400
    values = form.values()
    if values is None:
        discard_draft(assignment, partner)
    else:
        keep_draft(assignment, partner, **values)
    return {"saved": True, "at": local(now_utc()).strftime("%H:%M")}


def _first(errors) -> str:
    """The first message in WTForms' errors, which nest for lists of fields."""
    for value in errors.values() if isinstance(errors, dict) else errors:
        message = value if isinstance(value, str) else _first(value)
        if message:
            return message
    return ""


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
    return _entries_page(partner, HomeworkEntry.partner_id == partner.id, mine=True)


@bp.get("/shared")
@client_required
def shared():
    """Entries the other partner chose to share."""
    partner = current_partner()
    # Of what the partner may read (audience.entries_for), what is not their own.
    return _entries_page(partner, HomeworkEntry.partner_id != partner.id, mine=False)


def _entries_page(partner, which, *, mine: bool):
    """A page of the entries the partner may read that are ``which``, newest first."""
    page = paginate(
        visible_entries(partner)
        .where(which)
        .options(*partner_entries_options())
        .order_by(HomeworkEntry.done_on.desc(), HomeworkEntry.id.desc()),
        per_page=20,
    )
    return render_template("portal/entries.html", partner=partner, page=page, mine=mine)


@bp.get("/entries/<int:entry_id>")
@client_required
def entry(entry_id: int):
    """One entry: the partner's own, or one the other partner shared."""
    partner = current_partner()
    entry = get_partner_entry_or_404(partner, entry_id)
    own = entry.partner_id == partner.id
    audit.record("entry.view", entry, own=own)
    return render_template(
        "portal/entry.html",
        partner=partner,
        entry=entry,
        form=EmptyForm(),
        own=own,
        # Whether it may still be corrected: its writer's alone to know.
        until=correctable_until(entry) if own and correctable(entry, now_utc()) else None,
    )


@bp.post("/entries/<int:entry_id>/sharing")
@client_required
def sharing(entry_id: int):
    """Share one's own entry with the other partner, or stop sharing it."""
    partner = current_partner()
    entry = get_partner_entry_or_404(partner, entry_id, own=True)
    entry.shared = request.form.get("share") == "1"
    audit.record("entry.share" if entry.shared else "entry.unshare", entry)
    flash(
        "Your partner can now read this entry."
        if entry.shared
        else "This entry is private again: only your counsellor can read it.",
        "success",
    )
    return redirect(url_for("portal.entry", entry_id=entry.id))


LATE = (
    "This entry was saved on {saved}. An entry can be corrected for a day after it is "
    "saved, so this one can't be changed now. If something in it is wrong, tell your "
    "counsellor, or write a new entry."
)


@bp.route("/entries/<int:entry_id>/edit", methods=["GET", "POST"])
@client_required
def edit_entry(entry_id: int):
    """Correct one's own entry within a day of saving it; the counsellor sees that it was
    corrected and what it said before, the other partner only the entry as it now reads."""
    partner = current_partner()
    entry = get_partner_entry_or_404(partner, entry_id, own=True)
    form = EntryCorrectionForm(
        prompts=[qa["prompt"] for qa in entry.answers], starts_on=entry.assignment.starts_on
    )
    if form.is_submitted():
        # Two corrections at once are made in turn: lock the row (the bare row, as
        # PostgreSQL will not lock the outer joins the loader adds), then read it afresh.
        db.session.execute(
            sa.select(HomeworkEntry.id).where(HomeworkEntry.id == entry.id).with_for_update()
        )
        db.session.refresh(entry)
    now = now_utc()
    refused = None
    if partner.case.status is CaseStatus.CLOSED:
        refused = "Your counselling here has ended, so entries can't be changed."
    elif not correctable(entry, now):
        refused = LATE.format(saved=format_datetime(entry.created_at))
    if request.method == "GET" and not restoring():
        form.fill_from(entry)
    if form.is_submitted() and refused:
        form.validate()
        form.form_errors.append(f"{refused} What you typed is below; copy it to keep it.")
    elif form.validate_on_submit():
        changed = correct_entry(entry, **form.given(), now=now)
        if changed:
            audit.record("entry.edit", entry, changed=changed)
            flash(
                "Corrected. Your counsellor can see that you changed it, and what it said before.",
                "success",
            )
        else:
            flash("Nothing was changed.", "info")
        return redirect(url_for("portal.entry", entry_id=entry.id))
    page, status = form_page(
        "portal/entry_edit.html",
        form,
        partner=partner,
        entry=entry,
        refused=refused,
        until=correctable_until(entry),
    )
    return page, 409 if refused and form.is_submitted() else status


@bp.get("/resources")
@client_required
def resources():
    """Where to turn for support, set by the practice, and the partner's own safety plan."""
    partner = current_partner()
    return render_template(
        "portal/resources.html",
        partner=partner,
        settings=practice_settings(),
        plan=db.session.scalar(audience.safety_plan_for(partner)),
    )


@bp.route("/checkin", methods=["GET", "POST"])
@client_required
def check_in():
    """The CSI-4 and the building blocks, as the partner sees the relationship now.

    One check-in per session window: once sent, the page says when, until the
    partner's next session; a second one sent from another tab is refused (409).
    """
    partner = current_partner()
    form = CheckInForm()
    done = check_in_this_window(partner, lock=form.is_submitted())
    if form.is_submitted() and already_made(CheckIn, form.form_token.data):
        return redirect(url_for("portal.home"))  # the same form sent twice: the first counts
    if done is None and form.validate_on_submit():
        check_in, created = create_once(
            CheckIn,
            form.form_token.data,
            lambda: new_check_in(
                partner.case,
                partner.id,
                answers=form.answers(),
                blocks=form.blocks(),
                by=current_user,
                completed_at=now_utc(),
            ),
        )
        if created:
            audit.record("checkin.create", check_in, by="client")
            flash("Thank you. Your counsellor will look at this with you.", "success")
        return redirect(url_for("portal.home"))
    status = 409 if done is not None and form.is_submitted() else None
    page, code = form_page(
        "portal/checkin.html",
        form,
        partner=partner,
        other=other_partner(partner),
        items=ITEMS,
        done=done,
        refused=status is not None,
    )
    return page, status or code


def check_in_asked(partner) -> bool:
    """Whether the portal should ask this partner for a check-in now."""
    now = now_utc()
    upcoming = upcoming_sessions([partner.case_id], now, ASK_BEFORE)
    return bool(check_ins_to_ask([partner], now, upcoming))


@bp.get("/documents")
@client_required
def documents():
    """The partner's handouts, worksheets of their homework, their copy of the report, and
    referral letters given to them."""
    partner = current_partner()
    sessions = audience.handout_sessions(
        partner,
        db.session.scalars(
            sa.select(Session)
            .where(Session.case_id == partner.case_id, Session.status == SessionStatus.ATTENDED)
            .order_by(Session.starts_at.desc())
        ),
    )
    assignments = db.session.scalars(
        audience.assignments_for(partner)
        .options(sa.orm.joinedload(Assignment.exercise))
        .order_by(Assignment.starts_on.desc(), Assignment.id.desc())
    ).all()
    letters = db.session.scalars(
        audience.referrals_for(partner).order_by(Referral.referred_on.desc(), Referral.id.desc())
    ).all()
    return render_template(
        "portal/documents.html",
        partner=partner,
        sessions=sessions,
        assignments=assignments,
        letters=letters,
        other=other_partner(partner),
        sharing=ScoreSharingForm(share=partner.shares_scores),
    )


@bp.post("/sharing/scores")
@client_required
def share_scores():
    """Let the other partner see one's check-in scores in shared reports, or withdraw it."""
    partner = current_partner()
    other = other_partner(partner)
    if other is None:
        abort(404)
    shares = bool(ScoreSharingForm().share.data)
    if shares != partner.shares_scores:
        partner.shares_scores = shares
        audit.record("scores.share" if shares else "scores.unshare", partner)
    flash(
        f"{other.first_name} will see your check-in scores in the progress reports "
        "your counsellor shares with you both. You can change this at any time."
        if shares
        else f"Your check-in scores are yours again: {other.first_name} will not see them.",
        "success",
    )
    return redirect(url_for("portal.documents", _anchor="sharing"))


@bp.get("/handouts/<int:session_id>.pdf")
@client_required
def handout(session_id: int):
    """The partner's own handout of a session they came to."""
    partner = current_partner()
    session = get_handout_session_or_404(partner, session_id)
    return handout_pdf(session, partner, "client")


@bp.get("/worksheets/<int:assignment_id>.pdf")
@client_required
def worksheet(assignment_id: int):
    """A printable worksheet of the partner's own homework."""
    partner = current_partner()
    assignment = get_partner_assignment_or_404(partner, assignment_id)
    return worksheet_pdf(partner.case, assignment, "client", reader=partner)


@bp.get("/closing-summary.pdf")
@client_required
def closing_summary():
    """The partner's own closing summary, once their counselling has ended."""
    partner = current_partner()
    if partner.case.status is not CaseStatus.CLOSED:
        abort(404)
    return client_closing_pdf(partner, "client")


@bp.get("/progress.pdf")
@client_required
def progress_report():
    """The partner's own copy of the progress report, once the counsellor has shared it."""
    partner = current_partner()
    if not partner.case.progress_shared or partner.case.joint_paused:
        abort(404)  # not shared, or held while work together is paused
    return client_progress_pdf(partner.case, partner, "client")


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
    practice = practice_settings()
    head = letterhead(practice, "Your record", partner.name, practice_today(), partner.name)
    pdf = render_pdf("reports/record.html", SimpleNamespace(head=head, record=record, items=ITEMS))
    audit.record("record.export", partner, case_id=partner.case_id, format="pdf")
    return pdf_response(pdf, f"my-record-{practice_today().isoformat()}.pdf")
