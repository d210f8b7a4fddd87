"""Giving homework from a case page, and reading what the partners did."""

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm import joinedload, selectinload

from practice import audit
from practice.auth.access import counsellor_required
from practice.auth.forms import EmptyForm
from practice.cases.access import get_case_or_404
from practice.cases.models import Case
from practice.catalogue import search
from practice.catalogue.models import Exercise, Strategy
from practice.dates import practice_today
from practice.extensions import db
from practice.homework.forms import AssignForm
from practice.homework.models import Assignment, HomeworkEntry
from practice.homework.services import (
    apply_assignment_form,
    check_assignment,
    conjoint_problem,
    entry_days,
    new_assignment,
    progress_for,
    withdraw,
)
from practice.idempotency import create_once
from practice.pagination import paginate_list
from practice.web import form_page

bp = Blueprint("homework", __name__)


def get_assignment_or_404(case: Case, assignment_id: int) -> Assignment:
    """An assignment of ``case`` (already access-checked); 404 for any other."""
    assignment = db.session.scalar(
        sa.select(Assignment)
        .where(Assignment.id == assignment_id, Assignment.case_id == case.id)
        .options(joinedload(Assignment.exercise))
    )
    if assignment is None:
        abort(404)
    return assignment


@bp.get("/new")
@counsellor_required
def choose(case_id: int):
    """Step 1 of assigning: find an exercise in the catalogue."""
    case = get_case_or_404(case_id)
    query = request.args.get("q", "")[:200]
    exercises = []
    if query.strip():
        hits = search.search(query)
        strategies = {
            s.id: s
            for s in db.session.scalars(
                sa.select(Strategy)
                .where(
                    Strategy.id.in_([h.strategy_id for h in hits]), Strategy.retired_at.is_(None)
                )
                .options(selectinload(Strategy.exercises))
            )
        }
        for hit in hits:
            strategy = strategies.get(hit.strategy_id)
            if strategy is None:
                continue
            # The exercises whose own words matched first, then the rest of the strategy's.
            live = sorted(strategy.live_exercises, key=lambda e: e.id not in hit.exercise_ids)
            exercises += [(strategy, e) for e in live]
    page = paginate_list(exercises, 15)
    return render_template(
        "homework/choose.html", case=case, q=query, page=page, conjoint=conjoint_problem(case)
    )


def _exercise_or_404(slug: str) -> Exercise:
    exercise = db.session.scalar(
        sa.select(Exercise)
        .where(Exercise.slug == slug, Exercise.retired_at.is_(None))
        .options(joinedload(Exercise.current_version), joinedload(Exercise.strategy))
    )
    if exercise is None:
        abort(404)
    return exercise


@bp.route("/new/<slug>", methods=["GET", "POST"])
@counsellor_required
def assign(case_id: int, slug: str):
    """Step 2 of assigning: who, how often, when, and the counsellor's words."""
    case = get_case_or_404(case_id)
    exercise = _exercise_or_404(slug)
    form = AssignForm(partners=case.partners)
    if request.method == "GET":
        form.cadence.data = exercise.cadence
        form.per_week.data = exercise.per_week
        form.starts_on.data = practice_today()
        if len(case.partners) > 1:
            form.for_whom.data = "together" if exercise.together else "each"
        else:
            form.for_whom.data = case.partners[0].position
    if form.validate_on_submit() and check_assignment(case, exercise.together, form):
        assignment, created = create_once(
            Assignment,
            form.form_token.data,
            lambda: new_assignment(case, exercise, form, current_user),
        )
        if created:
            audit.record(
                "assignment.create", assignment, exercise=exercise.slug, version=exercise.version
            )
            flash(
                f"“{exercise.title}” is assigned. The partners see it in their portal.", "success"
            )
        return redirect(url_for("cases.show", case_id=case.id))
    return form_page(
        "homework/assign.html", form, case=case, exercise=exercise, conjoint=conjoint_problem(case)
    )


@bp.get("/<int:assignment_id>")
@counsellor_required
def show(case_id: int, assignment_id: int):
    """One assignment: adherence per partner and every entry, private or shared."""
    case = get_case_or_404(case_id)
    assignment = get_assignment_or_404(case, assignment_id)
    progress = progress_for(assignment, case, entry_days(case), practice_today())
    entries = db.session.scalars(
        sa.select(HomeworkEntry)
        .where(HomeworkEntry.assignment_id == assignment.id)
        .options(joinedload(HomeworkEntry.partner))
        .order_by(HomeworkEntry.done_on.desc(), HomeworkEntry.id.desc())
    ).all()
    # The page shows every entry in full: each read is on the trail.
    audit.record("entries.view", assignment, entries=[e.id for e in entries])
    return render_template(
        "homework/assignment.html",
        case=case,
        assignment=assignment,
        progress=progress,
        entries=entries,
        form=EmptyForm(),
    )


@bp.route("/<int:assignment_id>/edit", methods=["GET", "POST"])
@counsellor_required
def edit(case_id: int, assignment_id: int):
    """Change who, how often, the dates or the counsellor's words."""
    case = get_case_or_404(case_id)
    assignment = get_assignment_or_404(case, assignment_id)
    if not assignment.is_active:
        flash("This homework was withdrawn and can no longer be changed.", "info")
        return redirect(url_for("homework.show", case_id=case.id, assignment_id=assignment.id))
    form = AssignForm(obj=assignment, partners=case.partners, original_start=assignment.starts_on)
    if request.method == "GET":
        form.for_whom.data = assignment.for_whom.value
    if form.validate_on_submit() and check_assignment(case, assignment.exercise.together, form):
        apply_assignment_form(assignment, form)
        audit.record("assignment.change", assignment)
        flash("Homework updated.", "success")
        return redirect(url_for("homework.show", case_id=case.id, assignment_id=assignment.id))
    return form_page(
        "homework/assign.html",
        form,
        case=case,
        exercise=assignment.exercise,
        assignment=assignment,
        conjoint=conjoint_problem(case),
    )


@bp.post("/<int:assignment_id>/withdraw")
@counsellor_required
def withdraw_assignment(case_id: int, assignment_id: int):
    """Stop the homework; its entries stay in the record."""
    case = get_case_or_404(case_id)
    assignment = get_assignment_or_404(case, assignment_id)
    if assignment.is_active:
        withdraw(assignment)
        flash("Homework withdrawn. Entries already made stay in the record.", "success")
    return redirect(url_for("cases.show", case_id=case.id))


@bp.get("/entries/<int:entry_id>")
@counsellor_required
def entry(case_id: int, entry_id: int):
    """One entry in full."""
    case = get_case_or_404(case_id)
    entry = db.session.scalar(
        sa.select(HomeworkEntry)
        .where(HomeworkEntry.id == entry_id, HomeworkEntry.case_id == case.id)
        .options(joinedload(HomeworkEntry.partner), joinedload(HomeworkEntry.assignment))
    )
    if entry is None:
        abort(404)
    audit.record("entry.view", entry)
    return render_template("homework/entry.html", case=case, entry=entry)
