"""Pieces shared by the forms of every blueprint."""

from collections.abc import Mapping

import wtforms
from flask import g, has_request_context, render_template
from flask_wtf import FlaskForm

# Flask-WTF's marker for "read the request yourself"; there is no public name for it.
from flask_wtf.form import _Auto
from wtforms.fields.choices import SelectChoice
from wtforms.validators import StopValidation, ValidationError

from practice.bounds import RECORD_RANGE, bookable_window, in_record_range
from practice.dates import practice_today


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


def form_page(template: str, form, **context):
    """Render a form page: 400 when a submitted form has errors, 200 otherwise."""
    status = 400 if form.errors else 200
    return render_template(template, form=form, **context), status


def optional_text(
    label: str, description: str = "", *, rows: int = 3, limit: int = 5000
) -> wtforms.TextAreaField:
    """A piece of writing that may be left empty: at most ``limit`` characters, a box
    ``rows`` lines tall, with ``description`` saying who will read it."""
    return wtforms.TextAreaField(
        label,
        validators=[wtforms.validators.Length(max=limit)],
        description=description,
        render_kw={"rows": rows},
    )
