"""Pieces shared by the forms of every blueprint."""

from collections.abc import Mapping

from flask import g, has_request_context
from flask_wtf import FlaskForm

# Flask-WTF's marker for "read the request yourself"; there is no public name for it.
from flask_wtf.form import _Auto
from wtforms.fields.choices import SelectChoice


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
