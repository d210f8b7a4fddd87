"""A counsellor's caseload and the case page, home for each couple."""

from datetime import timedelta

import sqlalchemy as sa
from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from sqlalchemy.orm import joinedload, selectinload

from practice import audit, mail
from practice.auth.access import counsellor_required
from practice.auth.forms import EmptyForm
from practice.cases import invitation_links
from practice.cases.access import caseload, get_case_or_404, get_partner_or_404
from practice.cases.forms import CaseForm, CaseSearchForm, ScreeningForm
from practice.cases.models import Case, CaseStatus, Invitation, Partner
from practice.cases.pauses import standing_pause
from practice.cases.services import (
    EMAIL_TAKEN,
    InvitationRefused,
    apply_case_form,
    create_invitation,
    email_clashes,
    invitation_problem,
    invitation_refusal,
    record_screening,
)
from practice.consent.summary import standings
from practice.database import now_utc
from practice.dates import practice_today
from practice.extensions import db
from practice.forms import form_page, restoring
from practice.homework.models import HomeworkEntry
from practice.homework.services import (
    case_assignments,
    conjoint_problem,
    entry_days,
    progress_for,
    set_aside_now,
)
from practice.idempotency import create_once
from practice.intake.access import with_intake_status
from practice.mail.models import OutboundEmail
from practice.pagination import paginate
from practice.plans.access import plan_state
from practice.safety.access import case_safety_work
from practice.screening.alerts import open_alerts
from practice.screening.models import PartnerScreen
from practice.sessions.summary import at_a_glance
from practice.settings import practice_settings

bp = Blueprint("cases", __name__)

OPEN = (CaseStatus.INTAKE, CaseStatus.ACTIVE, CaseStatus.PAUSED)


@bp.get("/")
@counsellor_required
def caseload_list():
    """The counsellor's cases, searchable by name or email, open ones first."""
    form = CaseSearchForm(request.args)
    if not form.validate():
        return form_page("cases/caseload.html", form, page=None)
    query = caseload().options(selectinload(Case.partners))
    if form.status.data == "open":
        query = query.where(Case.status.in_(OPEN))
    elif form.status.data:
        query = query.where(Case.status == CaseStatus(form.status.data))
    if text := (form.q.data or "").strip().lower():
        partner_match = sa.select(Partner.case_id).where(
            sa.or_(
                sa.func.lower(Partner.name).contains(text, autoescape=True),
                sa.func.lower(Partner.email).contains(text, autoescape=True),
            )
        )
        query = query.where(
            sa.or_(
                sa.func.lower(Case.label).contains(text, autoescape=True),
                Case.id.in_(partner_match),
            )
        )
    page = paginate(query.order_by(Case.label, Case.id), per_page=current_app.config["PAGE_SIZE"])
    return render_template("cases/caseload.html", form=form, page=page)


@bp.route("/new", methods=["GET", "POST"])
@counsellor_required
def new_case():
    """Open a case for a couple (or one person)."""
    form = CaseForm()
    if request.method == "GET":
        form.start_date.data = practice_today()
    if form.validate_on_submit() and _emails_free(form, None):

        def make():
            case = Case(counsellor=current_user, label="", start_date=form.start_date.data)
            apply_case_form(case, form)
            db.session.add(case)
            return case

        case, created = create_once(Case, form.form_token.data, make)
        if created:
            audit.record("case.create", case)
            flash(
                f"Case opened for {case.label}. Next: screen for safety and invite the partners.",
                "success",
            )
        return redirect(url_for("cases.show", case_id=case.id))
    return form_page("cases/case_form.html", form, case=None)


def _emails_free(form: CaseForm, case: Case | None) -> bool:
    """Whether no partner's email belongs to another account; marks the fields that do."""
    wanted = {
        position: getattr(form, f"partner_{position}_email").data
        for position in ("a", "b")
        if (getattr(form, f"partner_{position}_name").data or "").strip()
    }
    clashes = email_clashes(case, wanted)
    for position in clashes:
        getattr(form, f"partner_{position}_email").errors.append(EMAIL_TAKEN)
    return not clashes


@bp.get("/<int:case_id>")
@counsellor_required
def show(case_id: int):
    """The case page: partners, safety, homework and what needs attention."""
    case = get_case_or_404(case_id, joinedload(Case.screenings), with_intake_status())
    today = practice_today()
    assignments = case_assignments(case)
    days = entry_days(case)
    progress = {a.id: progress_for(a, case, days, today) for a in assignments}
    # Each entry's assignment and partner are already loaded above (every assignment of
    # the case, with its exercise, and the case's partners): their many-to-one loads
    # come from the session's identity map without another statement.
    recent = db.session.scalars(
        sa.select(HomeworkEntry)
        .where(HomeworkEntry.case_id == case.id)
        .order_by(HomeworkEntry.created_at.desc())
        .limit(5)
    ).all()
    invitations = {
        i.partner_id: i
        for i in db.session.scalars(
            sa.select(Invitation)
            .where(Invitation.partner_id.in_([p.id for p in case.partners]))
            .order_by(Invitation.id)
        )
    }
    audit.record("case.view", case)
    now = now_utc()
    return render_template(
        "cases/case.html",
        case=case,
        sessions=at_a_glance(case, now),
        assignments=assignments,
        progress=progress,
        recent=recent,
        today=today,
        form=EmptyForm(),
        invitations=invitations,
        now=now,
        conjoint=conjoint_problem(case),
        pause=standing_pause(case),
        set_aside=set_aside_now(assignments),
        alerts=open_alerts(case),
        safety_work=case_safety_work(case),
        consent=standings(case),
        plan_state=plan_state(case, today),
    )


@bp.route("/<int:case_id>/edit", methods=["GET", "POST"])
@counsellor_required
def edit(case_id: int):
    """Change a case's partners, concerns, goals, status or start date."""
    case = get_case_or_404(case_id)
    form = CaseForm(obj=case)
    if request.method == "GET":
        a, b = case.partner("a"), case.partner("b")
        form.partner_a_name.data, form.partner_a_email.data = (a.name, a.email) if a else ("", "")
        form.partner_b_name.data, form.partner_b_email.data = (b.name, b.email) if b else ("", "")
        form.concerns.data = case.concerns
        form.status.data = case.status.value
    if form.validate_on_submit() and _emails_free(form, case):
        problems = apply_case_form(case, form)
        if problems:
            db.session.rollback()
            form.partner_b_name.errors.extend(problems)
            return form_page("cases/case_form.html", form, case=case)
        audit.record("case.change", case, status=case.status.value)
        flash("Case updated.", "success")
        return redirect(url_for("cases.show", case_id=case.id))
    return form_page("cases/case_form.html", form, case=case)


@bp.route("/<int:case_id>/safety", methods=["GET", "POST"])
@counsellor_required
def safety(case_id: int):
    """Each partner's private screen, and the counsellor's decision on what it changes."""
    case = get_case_or_404(case_id, selectinload(Case.screenings))
    form = ScreeningForm()
    if request.method == "GET" and not restoring():
        form.screened_on.data = practice_today()
    if form.validate_on_submit():
        screening = record_screening(case, form, current_user)
        flash(
            f"Saved: {screening.outcome_label.lower()}."
            + (" Work together is paused." if case.joint_paused else ""),
            "warning" if case.safety_concerns else "success",
        )
        return redirect(url_for("cases.show", case_id=case.id))
    audit.record("safety.view", case)
    screens = db.session.scalars(
        sa.select(PartnerScreen)
        .where(PartnerScreen.case_id == case.id)
        .order_by(PartnerScreen.taken_on.desc(), PartnerScreen.id.desc())
    ).all()
    return form_page(
        "cases/safety.html",
        form,
        case=case,
        screens=screens,
        pause=standing_pause(case),
        alerts=open_alerts(case),
    )


@bp.post("/<int:case_id>/partners/<int:partner_id>/invite")
@counsellor_required
def invite(case_id: int, partner_id: int):
    """Make a new one-time portal link (replacing any earlier one) and send it if email is
    set up; then show it once, on a page that reloading does not repeat."""
    case = get_case_or_404(case_id)
    partner = get_partner_or_404(case, partner_id)
    page = url_for("cases.invitation", case_id=case.id, partner_id=partner.id)
    try:
        invitation, token = create_invitation(partner, current_user)
    except InvitationRefused as refused:
        flash(str(refused), "warning")
        return redirect(page, 303)
    link = invitation_links.link_for(token)
    settings = practice_settings()
    body = render_template(
        "mail/invitation.txt",
        partner=partner,
        link=link,
        days=current_app.config["INVITATION_DAYS"],
        counsellor=current_user,
        settings=settings,
    )
    message = mail.send(
        "invitation",
        invitation.email,
        f"Your portal at {settings.name}",
        body,
        case_id=case.id,
        secrets=(link,),
    )
    db.session.flush()
    invitation.email_id = message.id
    invitation_links.remember(invitation, token)
    return redirect(page, 303)


@bp.get("/<int:case_id>/partners/<int:partner_id>/invitation")
@counsellor_required
def invitation(case_id: int, partner_id: int):
    """A partner's invitation: the new link (to the login that made it, for a few
    minutes), whether the email went, and a way to make a new link."""
    case = get_case_or_404(case_id)
    partner = get_partner_or_404(case, partner_id)
    latest = db.session.scalar(
        sa.select(Invitation)
        .where(Invitation.partner_id == partner.id)
        .order_by(Invitation.id.desc())
        .limit(1)
    )
    usable = latest is not None and invitation_problem(latest) is None
    message = db.session.get(OutboundEmail, latest.email_id) if latest and latest.email_id else None
    return render_template(
        "cases/invitation.html",
        case=case,
        partner=partner,
        invitation=latest,
        usable=usable,
        link=invitation_links.recall(latest) if usable else None,
        message=message,
        refusal=invitation_refusal(partner),
        shown_for=invitation_links.SHOWN_FOR,
        valid_for=timedelta(days=current_app.config["INVITATION_DAYS"]),
        form=EmptyForm(),
        now=now_utc(),
    )
