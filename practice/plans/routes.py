"""A case's treatment plan: writing and signing it, its versions, addenda and reviews.

Every view loads the case through ``get_case_or_404`` and the plan from inside it.
"""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from practice import audit
from practice.auth.access import counsellor_required
from practice.cases.access import get_case_or_404
from practice.database import now_utc
from practice.dates import practice_today
from practice.extensions import db
from practice.forms import form_page
from practice.idempotency import already_made, create_once
from practice.plans import access, printed
from practice.plans.content import signing_problems
from practice.plans.forms import PlanAddendumForm, PlanForm, ReviewForm, plan_data
from practice.plans.measures import case_measures
from practice.plans.models import Decision, PlanAddendum, PlanReview
from practice.plans.services import (
    PlanError,
    ReviewDetails,
    add_addendum,
    record_review,
    save_draft,
    sign_plan,
)
from practice.plans.status import Status

bp = Blueprint("plans", __name__)


@bp.get("")
@counsellor_required
def show(case_id: int):
    """The plan in force, where each objective stands, and the plan's history."""
    case = get_case_or_404(case_id)
    today = practice_today()
    state = access.plan_state(case, today)
    sheet = None
    if state.current is not None:
        sheet = printed.sheet(state.current, case, state, case_measures(case, today), today)
        audit.record("plan.view", state.current, version=state.current.version)
    return render_template("plans/show.html", case=case, state=state, sheet=sheet)


@bp.route("/draft", methods=["GET", "POST"])
@counsellor_required
def edit(case_id: int):
    """Write the plan, or a revision of it, as a draft; save it, or save and sign it."""
    case = get_case_or_404(case_id)
    state = access.plan_state(case, practice_today())
    start = state.draft or state.current
    if request.method == "GET":
        form = PlanForm(data=plan_data(start.plan, start.review_by) if start else None)
        form.based_on.data = str(state.draft.version if state.draft else 0)
        if start is not None:  # the form shows the draft, or the plan in force to revise
            audit.record("plan.view", start, version=start.version)
    else:
        form = PlanForm()
    in_use = {i.strategy for v in state.versions[:2] for i in v.plan.interventions}
    form.prepare(case.partners, _strategies(in_use), blanks=request.method == "GET")
    signing = request.form.get("action") == "sign"
    if form.validate_on_submit():
        content = form.content()
        problems = signing_problems(content, {p.position for p in case.partners})
        if signing and problems:
            form.form_errors.extend(problems)
        else:
            try:
                now = now_utc()
                draft = save_draft(
                    case,
                    content,
                    form.review_by.data,
                    based_on=form.based_on.version(),
                    by=current_user,
                    now=now,
                )
                if signing:
                    sign_plan(draft, case, current_user, now)
            except PlanError as error:
                form.form_errors.extend(error.messages)
            else:
                if signing:
                    audit.record("plan.sign", draft, version=draft.version, hash=draft.content_hash)
                    flash(f"Version {draft.version} of the plan is signed and in force.", "success")
                    return redirect(url_for("plans.show", case_id=case.id))
                audit.record("plan.save", draft, version=draft.version)
                flash("Draft saved. It is not in force until you sign it.", "success")
                return redirect(url_for("plans.edit", case_id=case.id))
    return form_page("plans/edit.html", form, case=case, state=state)


def _strategies(in_use: set[str]) -> dict[str, str]:
    """The catalogue's strategies to choose from: those in use, and every one not retired."""
    return access.strategy_titles(current_only=True) | access.strategy_titles(in_use)


@bp.get("/versions/<int:version>")
@counsellor_required
def version(case_id: int, version: int):
    """One version of the plan as signed, with its addenda and reviews."""
    case = get_case_or_404(case_id)
    plan = access.version_or_404(case, version)
    if not plan.signed:
        return redirect(url_for("plans.edit", case_id=case.id))
    return _version_page(case, plan, PlanAddendumForm())


def _version_page(case, plan, form):
    today = practice_today()
    state = access.plan_state(case, today)
    sheet = printed.sheet(plan, case, state, case_measures(case, today), today)
    audit.record("plan.view", plan, version=plan.version)
    return form_page("plans/version.html", form, case=case, plan=plan, sheet=sheet, state=state)


@bp.post("/versions/<int:version>/addenda")
@counsellor_required
def addendum(case_id: int, version: int):
    """Add a signed, time-stamped correction or addition to a signed version."""
    case = get_case_or_404(case_id)
    plan = access.version_or_404(case, version)
    form = PlanAddendumForm()
    if form.validate_on_submit():
        back = redirect(url_for("plans.version", case_id=case.id, version=plan.version))
        if already_made(PlanAddendum, form.form_token.data):
            return back
        try:
            made, created = create_once(
                PlanAddendum,
                form.form_token.data,
                lambda: add_addendum(plan, form.body.data, current_user, now_utc()),
            )
        except PlanError as error:
            form.body.errors.extend(error.messages)
        else:
            if created:
                audit.record("plan.amend", made, version=plan.version)
                flash("Addendum signed and added.", "success")
            return back
    if not plan.signed:
        return redirect(url_for("plans.edit", case_id=case.id))
    return _version_page(case, plan, form)


@bp.route("/review", methods=["GET", "POST"])
@counsellor_required
def review(case_id: int):
    """Review the plan in force: what was found for each objective, and what next."""
    case = get_case_or_404(case_id)
    today = practice_today()
    state = access.plan_state(case, today)
    plan = state.current
    if plan is None:
        flash("There is no signed plan to review yet.", "info")
        return redirect(url_for("plans.show", case_id=case.id))
    sheet = printed.sheet(plan, case, state, case_measures(case, today), today)
    lines = sheet_objectives(sheet)
    if request.method == "GET":
        form = ReviewForm(
            data={
                "reviewed_on": today,
                "five_session": state.next is not None and state.next.why == "five-session",
                "findings": [{"status": line.status} for _, line in lines],
            }
        )
    else:
        form = ReviewForm()
        # One row per objective, whatever was sent: a missing row asks for its answer.
        del form.findings.entries[len(lines) :]
        while len(form.findings.entries) < len(lines):
            form.findings.append_entry()
    if form.validate_on_submit():
        details = ReviewDetails(
            reviewed_on=form.reviewed_on.data,
            five_session=form.five_session.data,
            findings=tuple(
                (Status(row.form.status.data), row.form.finding.data or "") for row in form.findings
            ),
            decision=Decision(form.decision.data),
            summary=form.summary.data or "",
            next_review_on=form.next_review_on.data,
        )
        try:
            made, created = _review_once(plan, details, form.form_token.data)
        except PlanError as error:
            target = getattr(form, error.field, None)
            (target.errors if target is not None else form.form_errors).extend(error.messages)
        else:
            if created:
                audit.record("plan.review", made, version=plan.version)
            if made.decision is Decision.REVISE:
                flash(
                    "Review recorded. Revise the plan below, then sign the new version.", "success"
                )
                return redirect(url_for("plans.edit", case_id=case.id))
            flash("Review recorded; the plan continues.", "success")
            return redirect(url_for("plans.show", case_id=case.id))
    return form_page(
        "plans/review.html",
        form,
        case=case,
        plan=plan,
        state=state,
        rows=list(zip(lines, form.findings, strict=True)),
    )


def _review_once(plan, details: ReviewDetails, token: str | None) -> tuple[PlanReview, bool]:
    """The review this form already recorded, or a new one (a double click records one)."""
    if found := already_made(PlanReview, token):
        return found, False
    try:
        with db.session.begin_nested():
            return record_review(plan, details, current_user, now_utc(), token), True
    except IntegrityError:
        if found := already_made(PlanReview, token):
            return found, False
        raise


def sheet_objectives(sheet: printed.CounsellorSheet) -> list:
    """Each objective line of ``sheet`` with its goal, in the plan's order."""
    return [(goal, line) for goal in sheet.goals for line in goal.objectives]
