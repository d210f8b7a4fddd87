"""The owner's forms: accounts and practice settings."""

from zoneinfo import available_timezones

from wtforms import (
    BooleanField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, ValidationError

from practice.admin.models import PAGE_SIZES, VideoRooms
from practice.auth.forms import confirm_field, new_password_field
from practice.calendar.policy import MAX_NOTICE_HOURS
from practice.forms import Form, choices, email_field
from practice.sessions.video import EXAMPLE_TEMPLATE, LinkProblem, check_template


class CounsellorForm(Form):
    name = StringField(
        "Name", validators=[DataRequired(message="Enter the counsellor's name."), Length(max=120)]
    )
    email = email_field("Email", "Enter an email address.")
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
    cancellation_notice_hours = IntegerField(
        "Notice asked for to cancel or move a session, in hours",
        validators=[
            NumberRange(
                min=0,
                max=MAX_NOTICE_HOURS,
                message=f"Give a number of hours from 0 to {MAX_NOTICE_HOURS} (two weeks).",
            )
        ],
        description="Clients read it before they ask to move or cancel a session; a request "
        "with less notice is marked late. 0: no notice asked for.",
        render_kw={"inputmode": "numeric", "min": 0, "max": MAX_NOTICE_HOURS},
    )
    video_rooms = RadioField(
        "Video sessions take place in",
        choices=choices(VideoRooms.labels()),
        default=VideoRooms.COUNSELLOR.value,
    )
    video_link_template = StringField(
        "Link template for a room per session",
        filters=[lambda value: (value or "").strip() or None],
        description=f"An https address with {{room}} where each session’s random room name "
        f"goes, for example {EXAMPLE_TEMPLATE} on a Jitsi server of your own. Mend shows the "
        "link; it never contacts the video service.",
    )
    submit = SubmitField("Save settings")

    def validate_video_link_template(self, field):
        per_session = self.video_rooms.data == VideoRooms.PER_SESSION.value
        if field.data is None and not per_session:
            return
        try:
            field.data = check_template(field.data)
        except LinkProblem as exc:
            raise ValidationError(str(exc)) from exc

    def validate_timezone(self, field):
        if field.data not in available_timezones():
            raise ValidationError("That is not a time zone Mend knows, e.g. Europe/London.")

    timezone_choices = staticmethod(_timezone_choices)
