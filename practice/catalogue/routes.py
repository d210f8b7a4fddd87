"""The catalogue for counsellors: browse, search, read, print, and write exercises."""

import re
import secrets

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm import selectinload

from practice import audit
from practice.auth.access import counsellor_required
from practice.bounds import id_or_none
from practice.cases.access import case_named_in, get_case_or_404, open_cases
from practice.cases.models import CaseStatus
from practice.catalogue import search
from practice.catalogue.access import get_exercise_or_404, get_strategy_or_404
from practice.catalogue.forms import BrowseForm, CaseChoiceForm, ExerciseForm
from practice.catalogue.loader import content_hash, snapshot_exercise
from practice.catalogue.models import Exercise, Origin, Strategy, StrategyConcern
from practice.catalogue.schema import read_guides
from practice.database import now_utc
from practice.extensions import db
from practice.forms import choices, form_page
from practice.homework.services import why_not_given
from practice.pagination import paginate, paginate_list
from practice.vocabulary import THEMES

bp = Blueprint("catalogue", __name__)

PER_PAGE = 20
#: Themes in the order the vocabulary lists them, from communication onwards.
THEME_ORDER = sa.case({theme: n for n, theme in enumerate(THEMES)}, value=Strategy.theme)


def live_strategies():
    return sa.select(Strategy).where(Strategy.retired_at.is_(None))


def filtered(query, form: BrowseForm):
    """``query`` narrowed by the browse form's theme, concern and stage."""
    if form.theme.data in THEMES:
        query = query.where(Strategy.theme == form.theme.data)
    if form.concern.data:
        query = query.where(
            Strategy.id.in_(
                sa.select(StrategyConcern.strategy_id).where(
                    StrategyConcern.concern == form.concern.data
                )
            )
        )
    if form.stage.data in {"1", "2", "3"}:
        query = query.where(Strategy.eft_stage == int(form.stage.data))
    return query


def find_strategies(form: BrowseForm):
    """The page of strategies the form asks for, and which of their exercises matched."""
    with_details = (selectinload(Strategy.exercises), selectinload(Strategy.concern_links))
    query = filtered(live_strategies(), form).options(*with_details)
    if not (form.q.data or "").strip():
        page = paginate(query.order_by(THEME_ORDER, Strategy.title), per_page=PER_PAGE)
        return page, {}
    hits = search.search(form.q.data)
    allowed = set(
        db.session.scalars(
            filtered(live_strategies(), form)
            .with_only_columns(Strategy.id)
            .where(Strategy.id.in_([h.strategy_id for h in hits]))
        )
    )
    page = paginate_list([h for h in hits if h.strategy_id in allowed], PER_PAGE)
    shown = {
        s.id: s
        for s in db.session.scalars(
            query.where(Strategy.id.in_([h.strategy_id for h in page.items]))
        )
    }
    matches = {h.strategy_id: h.exercise_ids for h in page.items}
    page.items = [shown[h.strategy_id] for h in page.items]
    return page, matches


@bp.get("/")
@counsellor_required
def index():
    """Browse the catalogue by theme, or search it; filter by concern and EFT stage."""
    case = case_named_in(request.args)
    form = BrowseForm(request.args)
    if not form.validate():
        return form_page("catalogue/index.html", form, page=None, matches={}, case=case)
    page, matches = find_strategies(form)
    return render_template("catalogue/index.html", form=form, page=page, matches=matches, case=case)


@bp.get("/<slug>")
@counsellor_required
def strategy(slug: str):
    """One strategy: why it helps, how to practise it, and its exercises."""
    strategy = get_strategy_or_404(slug)
    return _for_case(
        "catalogue/strategy.html",
        strategy.live_exercises,
        strategy=strategy,
        guides=read_guides(),
    )


@bp.get("/exercises/<slug>")
@counsellor_required
def exercise(slug: str):
    """One exercise as the client will read it."""
    exercise = get_exercise_or_404(slug)
    return _for_case("catalogue/exercise.html", [exercise], exercise=exercise)


def _for_case(template: str, exercises, **context):
    """A page of the catalogue seen for the case its address names, if any: with
    ``blocked``, {exercise id: why it cannot be given to the case now} for those of
    ``exercises`` that cannot."""
    case = case_named_in(request.args)
    blocked = {}
    if case is not None:
        blocked = {ex.id: why for ex in exercises if (why := why_not_given(case, ex))}
    return render_template(template, case=case, blocked=blocked, **context)


CASE_CLOSED = "That case is closed: homework can no longer be given to it."
NOT_A_CASE = "Choose one of the cases listed."


@bp.route("/exercises/<slug>/assign", methods=["GET", "POST"])
@counsellor_required
def assign_to_case(slug: str):
    """Give an exercise from the catalogue: choose one of one's open cases, then go on to
    that case's own assign form with the exercise chosen, where its checks all apply."""
    exercise = get_exercise_or_404(slug, to_assign=True)
    cases = open_cases()
    form = CaseChoiceForm(cases=cases)
    if form.validate_on_submit():
        case_id = id_or_none(form.case.data)
        if case_id is None:
            form.case.errors.append(NOT_A_CASE)
        else:
            case = get_case_or_404(case_id)
            problem = CASE_CLOSED if case.status is CaseStatus.CLOSED else None
            problem = problem or why_not_given(case, exercise)
            if problem:
                form.case.errors.append(problem)
            else:
                return redirect(url_for("homework.assign", case_id=case.id, slug=exercise.slug))
    return form_page(
        "catalogue/assign_to_case.html",
        form,
        exercise=exercise,
        cases=cases,
        blocked={c.id: why for c in cases if (why := why_not_given(c, exercise))},
    )


@bp.get("/exercises/<slug>/print")
@counsellor_required
def print_exercise(slug: str):
    """An exercise on one printable page, with room to write."""
    exercise = get_exercise_or_404(slug)
    return render_template("catalogue/print.html", exercise=exercise)


def _strategy_choices():
    rows = db.session.execute(
        live_strategies()
        .with_only_columns(Strategy.slug, Strategy.title, Strategy.theme)
        .order_by(THEME_ORDER, Strategy.title)
    ).all()
    return choices({"": "Choose a strategy…", **{slug: title for slug, title, _ in rows}})


def _slug_for(title: str) -> str:
    words = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:60].strip("-") or "exercise"
    return f"practice-{words}-{secrets.token_hex(3)}"


def _content(form: ExerciseForm) -> dict:
    return {
        "title": form.title.data.strip(),
        "instructions": form.instructions.data.strip(),
        "who": form.who.data,
        "cadence": form.cadence.data,
        "per_week": form.per_week.data if form.cadence.data == "n-per-week" else None,
        "minutes": form.minutes.data,
        "prompts": form.prompt_texts,
        # Done together implies it; stored as ticked, read through ``involves_partner``.
        "with_partner": bool(form.with_partner.data),
    }


def _save(exercise: Exercise, content: dict, strategy: Strategy) -> None:
    """Write ``content`` as the exercise's current version and refresh the search index."""
    new_version = content_hash(content) != exercise.content_hash
    for key, value in content.items():
        setattr(exercise, key, value)
    exercise.strategy = strategy
    exercise.content_hash = content_hash(content)
    exercise.updated_at = now_utc()
    db.session.add(exercise)
    db.session.flush()
    if new_version:
        snapshot_exercise(exercise)
        db.session.flush()
    db.session.refresh(strategy, ["exercises", "concern_links"])
    search.reindex([strategy])


@bp.route("/exercises/new", methods=["GET", "POST"])
@counsellor_required
def new_exercise():
    """Write a practice-own exercise, from scratch or from a catalogue one (``?from=``)."""
    source = None
    if request.args.get("from"):
        source = get_exercise_or_404(request.args["from"])
    form = ExerciseForm()
    form.strategy.choices = _strategy_choices()
    if request.method == "GET":
        if source is not None:
            form.process(obj=source)
            form.title.data = f"{source.title} (adapted)"
            form.prompts.data = "\n".join(source.prompts)
            form.strategy.data = source.strategy.slug
        elif request.args.get("strategy"):
            form.strategy.data = request.args["strategy"]
    if form.validate_on_submit():
        strategy = db.session.scalar(live_strategies().where(Strategy.slug == form.strategy.data))
        if strategy is None:
            form.strategy.errors.append("Choose one of the strategies listed.")
            return form_page("catalogue/exercise_form.html", form, source=source, exercise=None)
        exercise = Exercise(
            slug=_slug_for(form.title.data),
            origin=Origin.PRACTICE,
            version=1,
            author=current_user,
            based_on=source,
            position=1000,
        )
        _save(exercise, _content(form), strategy)
        audit.record("exercise.create", exercise, based_on=source.slug if source else None)
        flash(
            "Your exercise is saved and can now be assigned by anyone in the practice.", "success"
        )
        return redirect(url_for("catalogue.exercise", slug=exercise.slug))
    return form_page("catalogue/exercise_form.html", form, source=source, exercise=None)


@bp.route("/exercises/<slug>/edit", methods=["GET", "POST"])
@counsellor_required
def edit_exercise(slug: str):
    """Change a practice exercise: saved as its next version; assignments keep theirs."""
    exercise = get_exercise_or_404(slug, editable=True)
    # The exercise fills the form only when it is first shown: a posted form stands on
    # its own, so a field left out is missing rather than quietly kept from the exercise.
    form = ExerciseForm(obj=exercise) if request.method == "GET" else ExerciseForm()
    form.strategy.choices = _strategy_choices()
    if request.method == "GET":
        form.prompts.data = "\n".join(exercise.prompts)
        form.strategy.data = exercise.strategy.slug
    if form.validate_on_submit():
        strategy = db.session.scalar(live_strategies().where(Strategy.slug == form.strategy.data))
        if strategy is None:
            form.strategy.errors.append("Choose one of the strategies listed.")
            return form_page("catalogue/exercise_form.html", form, source=None, exercise=exercise)
        content = _content(form)
        old_strategy = exercise.strategy
        if content_hash(content) == exercise.content_hash and old_strategy is strategy:
            flash("Nothing had changed, so no new version was made.", "info")
            return redirect(url_for("catalogue.exercise", slug=slug))
        if content_hash(content) != exercise.content_hash:
            exercise.version += 1
        _save(exercise, content, strategy)
        if old_strategy is not strategy:
            db.session.refresh(old_strategy, ["exercises"])
            search.reindex([old_strategy])
        audit.record("exercise.change", exercise, version=exercise.version)
        flash(
            f"Saved as version {exercise.version}. Homework already given keeps its wording.",
            "success",
        )
        return redirect(url_for("catalogue.exercise", slug=slug))
    return form_page("catalogue/exercise_form.html", form, source=None, exercise=exercise)


@bp.post("/exercises/<slug>/retire")
@counsellor_required
def retire_exercise(slug: str):
    """Take a practice exercise out of the catalogue; homework already given keeps it."""
    exercise = get_exercise_or_404(slug, editable=True)
    exercise.retired_at = now_utc()
    db.session.flush()
    db.session.refresh(exercise.strategy, ["exercises"])
    search.reindex([exercise.strategy])
    audit.record("exercise.retire", exercise)
    flash(
        "The exercise is retired: it is no longer offered, and homework already given "
        "keeps working.",
        "success",
    )
    return redirect(url_for("catalogue.strategy", slug=exercise.strategy.slug))
