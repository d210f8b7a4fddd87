"""A counsellor's safety plans and referrals, on a case loaded through ``get_case_or_404``."""

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_login import current_user

from practice import audit
from practice.auth.access import counsellor_required
from practice.bounds import id_or_none
from practice.cases.access import get_case_or_404, partner_at_or_404
from practice.database import now_utc
from practice.dates import practice_today
from practice.forms import form_page, problems_beside_fields
from practice.idempotency import create_once
from practice.safety import access, letters
from practice.safety.forms import COUPLE, ReferralForm, SafetyPlanForm
from practice.safety.models import Referral, ReferralKind, ReferralStatus
from practice.safety.services import (
    Problem,
    ReferralDetails,
    change_referral,
    latest_plan,
    new_referral,
    save_plan,
)

bp = Blueprint("safety", __name__)


@bp.route("/safety-plans/<any(a, b):position>", methods=["GET", "POST"])
@counsellor_required
def plan(case_id: int, position: str):
    """Write or update one partner's safety plan; each save is a new version."""
    case = get_case_or_404(case_id)
    partner = partner_at_or_404(case, position)
    latest = latest_plan(partner)
    form = SafetyPlanForm(obj=latest if request.method == "GET" else None)
    if request.method == "GET":
        form.based_on.data = str(latest.version if latest else 0)
        form.in_portal.data = latest.in_portal if latest else True
    elif form.validate_on_submit():
        try:
            saved = save_plan(
                partner,
                form.parts(),
                in_portal=form.in_portal.data,
                based_on=form.based_on.version(),
                by=current_user,
                now=now_utc(),
            )
        except Problem as problem:
            form.form_errors.append(problem.message)
            form.based_on.data = str(latest.version if latest else 0)
        else:
            if saved is None:
                flash("Nothing had changed, so the plan was kept as it was.", "info")
            else:
                audit.record(
                    "safety_plan.save", saved, version=saved.version, in_portal=saved.in_portal
                )
                flash(f"{partner.first_name}'s safety plan is saved.", "success")
            return redirect(url_for("cases.show", case_id=case.id))
    if request.method == "GET":
        audit.record("safety_plan.view", case, reader=position)
    return form_page(
        "safety/plan.html",
        form,
        case=case,
        partner=partner,
        latest=latest,
        versions=access.plan_versions(partner),
    )


@bp.get("/safety-plan-<any(a, b):position>.pdf")
@counsellor_required
def plan_pdf(case_id: int, position: str):
    """The partner's copy of their plan (an earlier version with ``?version=``)."""
    case = get_case_or_404(case_id)
    partner = partner_at_or_404(case, position)
    version = None
    if "version" in request.args and (version := id_or_none(request.args["version"])) is None:
        abort(404)
    plan = access.plan_version_or_404(partner, version) if version else latest_plan(partner)
    if plan is None:
        return redirect(url_for("safety.plan", case_id=case.id, position=position))
    return letters.plan_pdf(plan, by="counsellor")


@bp.route("/referrals/new", methods=["GET", "POST"])
@counsellor_required
def new_referral_page(case_id: int):
    """Record a referral of one partner, or the couple, to another service."""
    case = get_case_or_404(case_id)
    form = ReferralForm()
    form.set_partners(case.partners)
    if request.method == "GET":
        form.referred_on.data = practice_today()
        form.for_whom.data = request.args.get("for", "a")
    if form.validate_on_submit():
        with problems_beside_fields(form, Problem):
            details = _details(case, form)
            referral, created = create_once(
                Referral,
                form.form_token.data,
                lambda: new_referral(case, details, current_user, now_utc()),
            )
            if created:
                audit.record("referral.create", referral, given=referral.given)
                flash("Referral recorded. Its letter is ready to print.", "success")
            return redirect(url_for("safety.referral", case_id=case.id, referral_id=referral.id))
    return form_page("safety/referral_form.html", form, case=case, referral=None)


@bp.route("/referrals/<int:referral_id>", methods=["GET", "POST"])
@counsellor_required
def referral(case_id: int, referral_id: int):
    """A referral: its status, whether its letter was given, and the letter itself."""
    case = get_case_or_404(case_id)
    referral = access.get_referral_or_404(case, referral_id)
    form = ReferralForm(obj=referral if request.method == "GET" else None)
    form.set_partners(case.partners)
    if request.method == "GET":
        form.for_whom.data = referral.partner.position if referral.partner else COUPLE
        form.kind.data = referral.kind.value
        form.status.data = referral.status.value
        form.given.data = referral.given
        audit.record("referral.view", referral)
    if form.validate_on_submit():
        with problems_beside_fields(form, Problem):
            changed = change_referral(referral, _details(case, form), now_utc())
            if changed:
                audit.record("referral.change", referral, changed=changed, given=referral.given)
            flash("Referral updated." if changed else "Nothing had changed.", "success")
            return redirect(url_for("safety.referral", case_id=case.id, referral_id=referral.id))
    return form_page("safety/referral_form.html", form, case=case, referral=referral)


def _details(case, form: ReferralForm) -> ReferralDetails:
    return ReferralDetails(
        partner=None if form.for_whom.data == COUPLE else case.partner(form.for_whom.data),
        kind=ReferralKind(form.kind.data),
        service=form.service.data or "",
        service_address=form.service_address.data or "",
        reason=form.reason.data or "",
        referred_on=form.referred_on.data,
        status=ReferralStatus(form.status.data),
        given=bool(form.given.data),
    )


@bp.get("/referrals/<int:referral_id>/letter.pdf")
@counsellor_required
def referral_letter(case_id: int, referral_id: int):
    """The referral letter, under the practice's letterhead, signed by its counsellor."""
    case = get_case_or_404(case_id)
    return letters.letter_pdf(access.get_referral_or_404(case, referral_id), case, by="counsellor")
