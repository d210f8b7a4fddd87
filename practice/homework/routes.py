"""Giving homework from a case page, and reading what the partners did."""

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm import joinedload, selectinload

from practice import audit
from practice.auth.access import counsellor_required
from practice.auth.forms import EmptyForm
from practice.cases.access import get_case_or_404
from practice.cases.models import Case
from practice.catalogue import search
from practice.catalogue.access import get_exercise_or_404
from practice.catalogue.models import Strategy
from practice.database import now_utc
from practice.dates import format_datetime, practice_today
from practice.extensions import db
from practice.forms import form_page, restoring
from practice.homework.access import get_assignment_or_404, get_entry_or_404
from practice.homework.forms import AssignForm
from practice.homework.models import Assignment, ForWhom, HomeworkEntry
from practice.homework.services import (
    WITH_PARTNER_HELD,
    NotGiven,
    case_assignments,
    change_assignment,
    conjoint_problem,
    entry_days,
    new_assignment,
    progress_for,
    sessions_to_give_at,
    set_aside_now,
    why_not_given,
    withdraw,
)
from practice.homework.suggestions import given_marks, suggest
from practice.idempotency import create_once
from practice.pagination import paginate_list
from practice.progress.stage import stage_of, step_reached
from practice.screening.holds import joint_work_held
from practice.sessions.models import Session

bp = Blueprint("homework", __name__)


@bp.get("/new")
@counsellor_required
def choose(case_id: int):
    """Step 1 of assigning: exercises suggested for the couple, or found in the catalogue."""
    case = get_case_or_404(case_id)
    query = request.args.get("q", "")[:200]
    exercises = []
    suggestions = []
    stage = stage_of(step_reached(case))
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
    else:
        # Where EFT begins, for a case with no stage recorded yet.
        suggestions = suggest(case, stage or 1)
    page = paginate_list(exercises, 15)
    shown = [e for _, e in page.items] + [s.exercise for s in suggestions]
    return render_template(
        "homework/choose.html",
        case=case,
        q=query,
        page=page,
        suggestions=suggestions,
        stage=stage,
        marks=given_marks(case, practice_today()),
        blocked={e.id: why for e in shown if (why := why_not_given(case, e))},
        conjoint=conjoint_problem(case),
        **_holds(case),
    )


def _holds(case: Case) -> dict:
    """What the assign pages tell the counsellor while work together is held: why, for
    exercises that involve the partner, and the active homework a pause sets aside."""
    held = joint_work_held(case)
    return {
        "partner_held": WITH_PARTNER_HELD.format(held=held) if held else None,
        "set_aside": set_aside_now(case_assignments(case, include_withdrawn=False))
        if case.joint_paused
        else [],
    }


@bp.route("/new/<slug>", methods=["GET", "POST"])
@counsellor_required
def assign(case_id: int, slug: str):
    """Step 2 of assigning: who, how often, when, and the counsellor's words."""
    case = get_case_or_404(case_id)
    exercise = get_exercise_or_404(slug, to_assign=True)
    sessions = sessions_to_give_at(case, now_utc())
    form = AssignForm(
        partners=case.partners, who=exercise.who, sessions=_session_choices(case, sessions)
    )
    if request.method == "GET" and not restoring():
        # Most homework is given in the room: the latest session that has begun.
        form.given_at.data = str(sessions[0].id) if sessions else ""
    if request.method == "GET":
        form.cadence.data = exercise.cadence
        form.per_week.data = exercise.per_week
        form.starts_on.data = practice_today()
        form.for_whom.data = _suggested_for_whom(case, exercise.who)
    if form.validate_on_submit():
        try:
            assignment, created = create_once(
                Assignment,
                form.form_token.data,
                lambda: new_assignment(case, exercise, form.terms(), current_user),
            )
        except NotGiven as refused:
            form.for_whom.errors.extend(refused.problems)
        else:
            return _given(case, exercise, assignment, created)
    return form_page(
        "homework/assign.html",
        form,
        case=case,
        exercise=exercise,
        conjoint=conjoint_problem(case),
        **_holds(case),
    )


def _given(case: Case, exercise, assignment: Assignment, created: bool):
    """Back to the case, saying who will see the homework (once, however often it was sent)."""
    if created:
        audit.record("assignment.create", assignment)
        readers = (
            f"{assignment.for_label(case)} sees"
            if assignment.for_whom in (ForWhom.A, ForWhom.B) and len(case.partners) > 1
            else "The partners see"
        )
        flash(f"“{exercise.title}” is assigned. {readers} it in their portal.", "success")
    return redirect(url_for("cases.show", case_id=case.id))


def _suggested_for_whom(case: Case, who: str) -> str | None:
    """What the assign form starts with; none for one-partner work, so the counsellor picks."""
    if len(case.partners) == 1:
        return case.partners[0].position
    return {"together": "together", "each": "each"}.get(who)


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
        .options(joinedload(HomeworkEntry.partner), selectinload(HomeworkEntry.revisions))
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
    sessions = sessions_to_give_at(case, now_utc())
    if assignment.session_id and assignment.session_id not in {s.id for s in sessions}:
        sessions.append(db.session.get(Session, assignment.session_id))
    form = AssignForm(
        obj=assignment,
        partners=case.partners,
        who=assignment.exercise.who,
        original_start=assignment.starts_on,
        sessions=_session_choices(case, sessions),
    )
    if request.method == "GET":
        form.for_whom.data = assignment.for_whom.value
        form.given_at.data = str(assignment.session_id or "")
    if form.validate_on_submit():
        try:
            change_assignment(assignment, case, form.terms())
        except NotGiven as refused:
            form.for_whom.errors.extend(refused.problems)
        else:
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
        **_holds(case),
    )


def _session_choices(case: Case, sessions: list[Session]) -> list[tuple[int, str]]:
    """How each session reads in the "Given at" list: when, and with whom if not both."""

    def label(session: Session) -> str:
        alone = [p.first_name for p in case.partners if session.invitees == [p.position]]
        return format_datetime(session.starts_at) + (f" ({alone[0]} alone)" if alone else "")

    return [(s.id, label(s)) for s in sessions]


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
    entry = get_entry_or_404(case, entry_id)
    audit.record("entry.view", entry)
    return render_template("homework/entry.html", case=case, entry=entry)
