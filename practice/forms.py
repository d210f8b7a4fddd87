"""Pieces shared by the forms of every blueprint."""

from collections.abc import Iterator, Mapping
from contextlib import contextmanager

import wtforms
from flask import g, has_request_context, render_template
from flask_wtf import FlaskForm

# Flask-WTF's marker for "read the request yourself"; there is no public name for it.
from flask_wtf.form import _Auto
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    Length,
    Optional,
    StopValidation,
    ValidationError,
)

from practice.bounds import RECORD_RANGE, bookable_window, in_record_range
from practice.dates import practice_today
from practice.problems import FieldProblem


def restoring() -> bool:
    """Whether this request is showing a form parked when its sender's login ended."""
    return has_request_context() and "parked_formdata" in g


class Form(FlaskForm):
    """The base of Mend's forms: a GET shows a parked form's fields when there is one
    (see ``practice.parking``)."""

    class Meta(FlaskForm.Meta):
        def wrap_formdata(self, form, formdata):
            wrapped = super().wrap_formdata(form, formdata)
            if wrapped is None and formdata is _Auto and restoring():
                return g.parked_formdata
            return wrapped


class StartedFromField(wtforms.HiddenField):
    """The version of a record an edit started from ("0": none yet), sent back with the
    form so that a newer version saved meanwhile is not lost."""

    def version(self) -> int:
        """The version as a number; -1, which no version has, for anything else."""
        try:
            return int(self.data or 0)
        except ValueError:
            return -1


def choices(options: Mapping) -> list[SelectChoice]:
    """Select options from a ``{value: label}`` mapping, in its order."""
    return [SelectChoice(str(value), label) for value, label in options.items()]


class DateField(wtforms.DateField):
    """A date within the years Mend keeps (``practice/bounds.py``); beyond them, a message
    beside the field. Checked before the field's own validators, which may count days
    from it (a day after 31 December 9999 is an overflow)."""

    def pre_validate(self, form):
        if self.data is not None and not in_record_range(self.data):
            raise StopValidation(RECORD_RANGE)


def bookable(form, field) -> None:
    """A validator: a session's day within the bookable window around today."""
    if field.data is None:
        return
    first, last = bookable_window(practice_today())
    if not first <= field.data <= last:
        raise ValidationError(
            f"Sessions are booked between {first.day} {first:%b %Y} and {last.day} {last:%b %Y}."
        )


def _not_after_today(message: str):
    """A validator: a day no later than today where the practice is; ``message`` beside the
    field otherwise."""

    def check(form, field) -> None:
        if field.data and field.data > practice_today():
            raise ValidationError(message)

    return check


def past_date(label: str, required: str, in_future: str) -> DateField:
    """The day something happened (a screening, a review, a payment): asked for with
    ``required``, and today or before (``in_future`` says so otherwise)."""
    return DateField(label, validators=[InputRequired(required), _not_after_today(in_future)])


def stripped(value: str | None) -> str | None:
    """A filter: typed text without the spaces around it."""
    return value.strip() if value else value


def place_problem(form, problem: FieldProblem) -> None:
    """Put a service's problem beside the field it names, or above the form when it names
    none of the form's fields (``"form"``: the form as a whole)."""
    if problem.field in form:
        field = form[problem.field]
        field.errors = [*field.errors, problem.message]
    else:
        form.form_errors.append(problem.message)


@contextmanager
def problems_beside_fields(form, kind: type[FieldProblem]) -> Iterator[None]:
    """Run the block; when a service in it refuses with a ``kind`` problem, the rest of the
    block is skipped and the problem is placed on ``form`` (see :func:`place_problem`)."""
    try:
        yield
    except kind as problem:
        place_problem(form, problem)


def form_page(template: str, form, **context):
    """Render a form page: 400 when a submitted form has errors, 200 otherwise."""
    status = 400 if form.errors else 200
    return render_template(template, form=form, **context), status


def required_text(
    label: str,
    required: str,
    description: str = "",
    *,
    limit: int,
    too_long: str | None = None,
    rows: int | None = None,
    **options,
) -> wtforms.StringField:
    """Writing that must be given (``required`` says so when it is empty), at most ``limit``
    characters (``too_long`` says so): on one line, or in a box ``rows`` lines tall."""
    if rows is not None:
        options["render_kw"] = {"rows": rows} | options.get("render_kw", {})
    field = wtforms.StringField if rows is None else wtforms.TextAreaField
    return field(
        label,
        validators=[DataRequired(required), Length(max=limit, message=too_long)],
        description=description,
        **options,
    )


def optional_text(
    label: str,
    description: str = "",
    *,
    rows: int = 3,
    limit: int = 5000,
    too_long: str | None = None,
    **options,
) -> wtforms.TextAreaField:
    """A piece of writing that may be left empty: at most ``limit`` characters (``too_long``
    says so), a box ``rows`` lines tall, with ``description`` saying who will read it."""
    return wtforms.TextAreaField(
        label,
        validators=[Length(max=limit, message=too_long)],
        description=description,
        render_kw={"rows": rows},
        **options,
    )


def required_choice(
    label: str, required: str, options: Mapping | None = None, **field_options
) -> wtforms.RadioField:
    """Radio buttons of which one must be chosen (``required`` says so when none is): the
    ``{value: label}`` of ``options`` in their order, or, without them, the choices the form
    sets as it is made (the partners of a case, who pays)."""
    if options is not None:
        field_options["choices"] = choices(options)
    return wtforms.RadioField(label, validators=[InputRequired(required)], **field_options)


def email_field(label: str, required: str = "", **options) -> wtforms.EmailField:
    """An email address, which ``required`` asks for (without it, it may be left empty)."""
    return wtforms.EmailField(
        label,
        validators=[
            DataRequired(required) if required else Optional(),
            Email(message="That does not look like an email address.", check_deliverability=False),
            Length(max=254),
        ],
        **options,
    )


def search_field(placeholder: str) -> wtforms.StringField:
    """The words a list is searched for, read from the query string."""
    return wtforms.StringField(
        "Search",
        validators=[Length(max=200)],
        render_kw={"type": "search", "placeholder": placeholder},
    )
