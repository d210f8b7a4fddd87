"""The owner's forms: accounts and practice settings."""

from zoneinfo import available_timezones

from wtforms import BooleanField, EmailField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, ValidationError

from practice.admin.models import PAGE_SIZES
from practice.auth.forms import confirm_field, new_password_field
from practice.forms import Form, choices


class CounsellorForm(Form):
    name = StringField(
        "Name", validators=[DataRequired(message="Enter the counsellor's name."), Length(max=120)]
    )
    email = EmailField(
        "Email",
        validators=[
            DataRequired(message="Enter an email address."),
            Email(message="That does not look like an email address.", check_deliverability=False),
            Length(max=254),
        ],
    )
    password = new_password_field("First password")
    confirm = confirm_field()
    submit = SubmitField("Create account")


def _timezone_choices() -> list[str]:
    return sorted(available_timezones())


class SettingsForm(Form):
    name = StringField(
        "Practice name",
        validators=[DataRequired(message="The practice needs a name."), Length(max=120)],
    )
    address = TextAreaField(
        "Address",
        validators=[Length(max=500)],
        description="Printed at the top of every report and handout.",
    )
    timezone = StringField(
        "Time zone",
        validators=[DataRequired(message="Choose a time zone."), Length(max=64)],
        description="For example Europe/London or America/New_York.",
        render_kw={"list": "timezones"},
    )
    page_size = SelectField("Paper size for PDFs", choices=choices(PAGE_SIZES))
    support_resources = TextAreaField(
        "Support resources",
        validators=[
            DataRequired(message="Give clients at least one place to turn."),
            Length(max=4000),
        ],
        description="Shown to clients in the portal and on handouts where a case has safety "
        "concerns. One resource per line.",
    )
    require_two_factor = BooleanField(
        "Require two-factor sign-in for counsellors and the owner",
        description="Each then sets up an authenticator app before they can open any case.",
    )
    submit = SubmitField("Save settings")

    def validate_timezone(self, field):
        if field.data not in available_timezones():
            raise ValidationError("That is not a time zone Mend knows, e.g. Europe/London.")

    timezone_choices = staticmethod(_timezone_choices)
