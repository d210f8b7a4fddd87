"""Forms for the diary: which week, booking, moving, cancelling, ending a series, feeds."""

from wtforms import (
    BooleanField,
    IntegerField,
    RadioField,
    SelectField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from practice.bounds import MAX_ID
from practice.forms import DateField, Form, bookable, choices
from practice.idempotency import form_token_field

DATE_HINT = "Give the date as YYYY-MM-DD, for example 2026-03-02."
WITH_WHOM = {"all": "Everyone in the case", "a": "Partner A only", "b": "Partner B only"}
REPEAT_CHOICES = {"0": "Does not repeat", "1": "Every week", "2": "Every other week"}


def _plain_date_errors(form) -> None:
    """WTForms says "Not a valid date value"; say what to type instead."""
    for field in form:
        unreadable = field.raw_data and field.data is None
        if isinstance(field, DateField) and field.errors and unreadable:
            field.errors[:] = [DATE_HINT]


class PlainDatesForm(Form):
    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        _plain_date_errors(self)
        return valid


class DiaryForm(PlainDatesForm):
    """Which week or day of whose diary: read from the address, so no CSRF."""

    class Meta:
        csrf = False

    start = DateField("Week of", validators=[Optional()])
    date = DateField("Day", validators=[Optional()])
    counsellor = IntegerField(
        "Counsellor",
        validators=[Optional(), NumberRange(min=1, max=MAX_ID, message="No such counsellor.")],
    )


class TimesForm(PlainDatesForm):
    day = DateField("Date", validators=[InputRequired(message="Enter the date."), bookable])
    start = TimeField("Starts", validators=[InputRequired(message="Enter the start time.")])
    end = TimeField("Ends", validators=[InputRequired(message="Enter the end time.")])


class ScheduleForm(TimesForm):
    form_token = form_token_field()
    case = SelectField("Case", validators=[InputRequired(message="Choose the case.")])
    with_whom = RadioField("With", choices=choices(WITH_WHOM), default="all")
    joint_reason = TextAreaField(
        "Why see them together now",
        validators=[Length(max=5000)],
        description="Needed only while work together is held for this couple (a pause, or a "
        "partner's private word that they do not feel safe). Seen only by you.",
        render_kw={"rows": 2},
    )
    repeat = SelectField("Repeats", choices=choices(REPEAT_CHOICES), default="0")
    until = DateField(
        "Last session on or before",
        validators=[Optional(), bookable],
        description="A repeating session needs an end: this date, or a number of sessions.",
    )
    count = IntegerField(
        "Number of sessions",
        validators=[Optional(), NumberRange(min=2, max=52, message="Between 2 and 52.")],
        render_kw={"inputmode": "numeric", "min": 2, "max": 52},
    )

    def __init__(self, *args, cases=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.case.choices = choices({"": "Choose a case…"} | {str(c.id): c.label for c in cases})


class CancelForm(Form):
    reason = TextAreaField(
        "Reason",
        filters=[lambda value: value.strip() if value else value],
        validators=[
            DataRequired(message="Say why the session is cancelled."),
            Length(max=500, message="Keep the reason under 500 characters."),
        ],
        description="Kept with the session for you; clients see only that it is cancelled.",
        render_kw={"rows": 2},
    )
    late = BooleanField("Late cancellation (less than 24 hours’ notice)")


class EndSeriesForm(PlainDatesForm):
    after = DateField(
        "Last session on",
        validators=[InputRequired(message="Enter the date of the last session to keep.")],
        description="Scheduled sessions after this date are cancelled; earlier ones stay.",
    )


class FeedNamesForm(Form):
    show_names = BooleanField("Show couples’ names in my calendar feed")
