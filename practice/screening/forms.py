"""The screen as a form: one question a row, the same answers for each, and a note."""

from functools import cache

from wtforms import RadioField, TextAreaField
from wtforms.validators import InputRequired, Length, ValidationError

from practice.dates import practice_today
from practice.forms import DateField, Form, choices
from practice.idempotency import form_token_field
from practice.screening.items import ANSWERS, ITEMS


class ScreenFormBase(Form):
    form_token = form_token_field()

    def item_fields(self):
        return [self[field_name(item.key)] for item in ITEMS]

    def answers(self) -> dict[str, str]:
        return {item.key: self[field_name(item.key)].data for item in ITEMS}


def field_name(key: str) -> str:
    return "q_" + key.replace("-", "_")


@cache
def screen_form_class(in_portal: bool) -> type[ScreenFormBase]:
    """The counsellor's form (asked in an individual session) or the partner's own."""
    fields = {}
    for item in ITEMS:
        fields[field_name(item.key)] = RadioField(
            item.portal if in_portal else item.asked,
            choices=choices(ANSWERS),
            validators=[InputRequired(message="Choose an answer (or “Rather not say”).")],
        )
    fields["note"] = TextAreaField(
        "Anything else you want your counsellor to know" if in_portal else "Note",
        validators=[Length(max=10_000, message="Keep it under 10,000 characters.")],
        description="Only your counsellor reads this."
        if in_portal
        else "What was said, and any plan. Seen only by you.",
        render_kw={"rows": 4},
    )
    if not in_portal:
        fields["taken_on"] = DateField(
            "Asked on", validators=[InputRequired(message="Enter the date it was asked.")]
        )
        fields["validate_taken_on"] = _not_in_future
    name = "PortalScreenForm" if in_portal else "CounsellorScreenForm"
    return type(name, (ScreenFormBase,), fields)


def _not_in_future(form, field):
    if field.data and field.data > practice_today():
        raise ValidationError("A screen cannot be dated in the future.")
