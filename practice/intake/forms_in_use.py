"""Which version of the intake form is in use, and the owner's draft of the next one.

Until the owner publishes a form of the practice's own, the form in use is Mend's
(``default_form.py``). It is written to the database as version 1 only the first
time answers need a version to belong to (a POST), so that no page changes
anything by being read.

The owner edits a draft: a copy of the form in use, made on their first change,
with one more than its version number. Publishing fixes it; the versions before
stay as they were, with the answers given to them.
"""

from collections.abc import Callable

import sqlalchemy as sa

from practice.auth.models import User
from practice.database import now_utc
from practice.extensions import db
from practice.idempotency import add_once
from practice.intake.default_form import DEFAULT_QUESTIONS
from practice.intake.models import IntakeForm
from practice.intake.questions import (
    MAX_QUESTIONS,
    Question,
    QuestionProblem,
    check_question,
    new_key,
)


def current_form() -> IntakeForm | None:
    """The latest published version, if the practice has one yet."""
    return db.session.scalar(
        sa.select(IntakeForm)
        .where(IntakeForm.published_at.is_not(None))
        .order_by(IntakeForm.version.desc())
        .limit(1)
    )


def draft_form() -> IntakeForm | None:
    """The owner's unpublished draft of the next version, if they have begun one."""
    return db.session.scalar(sa.select(IntakeForm).where(IntakeForm.published_at.is_(None)))


def questions_in_use() -> tuple[int, list[Question]]:
    """The version number and questions partners answer now (Mend's, as version 1, until
    the practice publishes its own). Reads only."""
    form = current_form()
    if form is None:
        return 1, list(DEFAULT_QUESTIONS)
    return form.version, form.question_list


def form_in_use() -> IntakeForm:
    """The version partners answer now, written down as version 1 if it is still Mend's."""
    form = current_form()
    if form is not None:
        return form
    first = IntakeForm(
        version=1,
        questions=[q.to_json() for q in DEFAULT_QUESTIONS],
        published_at=now_utc(),
    )
    # Another request may have written it just now.
    form, _ = add_once(first, current_form)
    return form


def working_copy() -> IntakeForm:
    """The owner's draft, begun from the form in use if there is none yet."""
    draft = draft_form()
    if draft is not None:
        return draft
    in_use = form_in_use()
    draft = IntakeForm(version=in_use.version + 1, questions=list(in_use.questions))
    db.session.add(draft)
    db.session.flush()
    return draft


def _edit(change: Callable[[list[Question]], list[Question]]) -> IntakeForm:
    draft = working_copy()
    draft.questions = [q.to_json() for q in change(draft.question_list)]
    draft.updated_at = now_utc()
    return draft


def add_question(question: Question) -> Question:
    """Add ``question`` at the end of the draft; a key is given to it here."""
    added = None

    def change(questions):
        nonlocal added
        if len(questions) >= MAX_QUESTIONS:
            raise QuestionProblem("label", f"A form can have at most {MAX_QUESTIONS} questions.")
        added = check_question(_keyed(question, new_key(q.key for q in questions)))
        return [*questions, added]

    _edit(change)
    return added


def change_question(key: str, question: Question) -> None:
    """Put ``question`` in the draft in place of the one with ``key``."""
    checked = check_question(_keyed(question, key))
    _edit(lambda questions: [checked if q.key == key else q for q in questions])


def move_question(key: str, steps: int) -> None:
    """Move the question with ``key`` up (-1) or down (+1) the draft."""

    def change(questions):
        keys = [q.key for q in questions]
        where = keys.index(key)
        to = min(max(where + steps, 0), len(questions) - 1)
        questions.insert(to, questions.pop(where))
        return questions

    _edit(change)


def remove_question(key: str) -> None:
    """Take the question with ``key`` out of the draft (earlier versions keep it)."""
    _edit(lambda questions: [q for q in questions if q.key != key])


class PublishProblem(ValueError):
    """Why the draft cannot be published as it stands."""


def publish(by: User) -> IntakeForm:
    """Fix the draft as the form partners answer from now on."""
    draft = draft_form()
    if draft is None:
        raise PublishProblem("There is no draft to publish: change a question first.")
    if not any(q.answered for q in draft.question_list):
        raise PublishProblem("The form needs at least one question to answer.")
    in_use = current_form()
    if in_use is not None and in_use.questions == draft.questions:
        raise PublishProblem(
            "The draft is the same as the form in use, so there is nothing to publish. "
            "Discard the draft, or change something first."
        )
    draft.published_at = now_utc()
    draft.published_by_id = by.id
    draft.updated_at = draft.published_at
    db.session.flush()
    return draft


def discard_draft() -> None:
    """Throw the draft away; the form in use stays as it is."""
    db.session.execute(sa.delete(IntakeForm).where(IntakeForm.published_at.is_(None)))


def versions() -> list[IntakeForm]:
    """Every published version, newest first."""
    return db.session.scalars(
        sa.select(IntakeForm)
        .where(IntakeForm.published_at.is_not(None))
        .options(sa.orm.selectinload(IntakeForm.published_by))
        .order_by(IntakeForm.version.desc())
    ).all()


def _keyed(question: Question, key: str) -> Question:
    return Question(
        key,
        question.kind,
        question.label,
        question.help,
        question.required,
        question.options,
        question.low,
        question.high,
    )
