"""The owner's intake form builder: questions in a draft, published as a new version."""

import re

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from practice import audit
from practice.auth.access import owner_required
from practice.auth.forms import EmptyForm
from practice.extensions import db
from practice.forms import form_page, problems_beside_fields
from practice.intake import forms_in_use as forms
from practice.intake.forms import AnswersForm, QuestionForm
from practice.intake.models import IntakeForm
from practice.intake.questions import KINDS, QuestionProblem

bp = Blueprint("admin_intake", __name__)

KEY = re.compile(r"[a-z0-9_]{1,40}")


def _editing() -> tuple[int, list, bool]:
    """(version, questions, whether they are the draft): the draft if there is one, else
    the form in use, which the first change copies into a draft."""
    draft = forms.draft_form()
    if draft is not None:
        return draft.version, draft.question_list, True
    version, questions = forms.questions_in_use()
    return version + 1, questions, False


def _question_or_404(key: str):
    if not KEY.fullmatch(key):
        abort(404)
    _, questions, _ = _editing()
    question = next((q for q in questions if q.key == key), None)
    if question is None:
        abort(404)
    return question


@bp.get("/")
@owner_required
def index():
    """The questions of the next version (the draft), and the versions published."""
    version, questions, is_draft = _editing()
    return render_template(
        "intake/admin.html",
        version=version,
        questions=questions,
        is_draft=is_draft,
        current=forms.current_form(),
        versions=forms.versions(),
        kinds=KINDS,
        form=EmptyForm(),
    )


@bp.route("/questions/new", methods=["GET", "POST"])
@owner_required
def new_question():
    """Add a question at the end of the draft."""
    form = QuestionForm()
    if form.validate_on_submit():
        with problems_beside_fields(form, QuestionProblem):
            added = forms.add_question(form.question())
            flash(f"Added “{added.label}” to the draft.", "success")
            return redirect(url_for("admin_intake.index", _anchor=f"q-{added.key}"))
    return form_page("intake/admin_question.html", form, question=None)


@bp.route("/questions/<key>", methods=["GET", "POST"])
@owner_required
def edit_question(key: str):
    """Change a question in the draft; the versions published keep it as it was."""
    question = _question_or_404(key)
    form = QuestionForm()
    if request.method == "GET":
        form.fill(question)
    if form.validate_on_submit():
        with problems_beside_fields(form, QuestionProblem):
            forms.change_question(key, form.question())
            flash("Question changed in the draft.", "success")
            return redirect(url_for("admin_intake.index", _anchor=f"q-{key}"))
    return form_page("intake/admin_question.html", form, question=question)


@bp.post("/questions/<key>/move")
@owner_required
def move_question(key: str):
    """Move a question up or down the draft."""
    _question_or_404(key)
    if EmptyForm().validate_on_submit():
        forms.move_question(key, -1 if request.form.get("to") == "up" else 1)
    return redirect(url_for("admin_intake.index", _anchor=f"q-{key}"))


@bp.post("/questions/<key>/remove")
@owner_required
def remove_question(key: str):
    """Take a question out of the draft."""
    question = _question_or_404(key)
    if EmptyForm().validate_on_submit():
        forms.remove_question(key)
        flash(f"Took “{question.label}” out of the draft.", "success")
    return redirect(url_for("admin_intake.index"))


@bp.post("/publish")
@owner_required
def publish():
    """Publish the draft: partners answer it from now on; answers already sent keep theirs."""
    if EmptyForm().validate_on_submit():
        try:
            published = forms.publish(current_user)
        except forms.PublishProblem as problem:
            flash(str(problem), "warning")
        else:
            audit.record("intake_form.publish", published, version=published.version)
            flash(f"Version {published.version} of the intake form is now in use.", "success")
    return redirect(url_for("admin_intake.index"))


@bp.post("/discard")
@owner_required
def discard():
    """Throw the draft away."""
    if EmptyForm().validate_on_submit():
        forms.discard_draft()
        flash("The draft is discarded; the form in use is unchanged.", "success")
    return redirect(url_for("admin_intake.index"))


@bp.get("/versions/<int:version>")
@owner_required
def version(version: int):
    """A published version as partners see it."""
    form = db.session.scalar(
        db.select(IntakeForm).where(
            IntakeForm.version == version, IntakeForm.published_at.is_not(None)
        )
    )
    if form is None:
        abort(404)
    return render_template(
        "intake/admin_version.html",
        published=form,
        preview=AnswersForm.for_questions(form.question_list, formdata=None),
    )
