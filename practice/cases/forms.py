"""Forms for cases, partners and safety screenings."""

from wtforms import (
    EmailField,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from practice.cases.models import SCREENING_OUTCOMES, CaseStatus
from practice.dates import practice_today
from practice.forms import (
    DateField,
    Form,
    choices,
    email_field,
    optional_text,
    past_date,
    required_choice,
    search_field,
)
from practice.idempotency import form_token_field
from practice.vocabulary import CONCERNS


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _email(label: str) -> EmailField:
    return email_field(label, description="Optional; used to send the portal invitation.")


class CaseForm(Form):
    form_token = form_token_field()
    partner_a_name = StringField(
        "Partner A's name",
        validators=[DataRequired(message="Enter at least one partner's name."), Length(max=120)],
    )
    partner_a_email = _email("Partner A's email")
    partner_b_name = StringField(
        "Partner B's name",
        validators=[Length(max=120)],
        description="Leave empty for individual work.",
    )
    partner_b_email = _email("Partner B's email")
    label = StringField(
        "Case name",
        validators=[Length(max=200)],
        description="How the case appears in your caseload. "
        "Left empty, it is made from the partners' names.",
    )
    concerns = MultiCheckboxField("Presenting concerns", choices=choices(CONCERNS))
    goals = optional_text("Goals", "What the couple hope to change, in their words.", rows=4)
    status = SelectField("Status", choices=choices(CaseStatus.labels()), default="intake")
    closing_note = optional_text(
        "Closing words for the partners",
        "Printed in the closing summary you give them when the case closes.",
    )
    start_date = DateField(
        "Start date",
        validators=[InputRequired(message="Enter the date treatment started (or starts).")],
    )

    def validate_partner_b_email(self, field):
        if field.data and not (self.partner_b_name.data or "").strip():
            raise ValidationError("Add partner B's name, or leave the email empty.")
        a = (self.partner_a_email.data or "").strip().lower()
        if field.data and a and field.data.strip().lower() == a:
            raise ValidationError("Each partner needs their own email address.")

    def validate_start_date(self, field):
        if field.data and abs((field.data - practice_today()).days) > 3660:
            raise ValidationError("That date is more than ten years away; please check it.")

    def display_label(self) -> str:
        if (self.label.data or "").strip():
            return self.label.data.strip()
        names = [
            n.strip()
            for n in (self.partner_a_name.data, self.partner_b_name.data)
            if n and n.strip()
        ]
        return " & ".join(names)


class ScreeningForm(Form):
    screened_on = past_date(
        "Date of screening",
        "Enter the date of the screening.",
        "A screening cannot be dated in the future.",
    )
    outcome = required_choice("Outcome", "Choose the outcome.", SCREENING_OUTCOMES)
    note = optional_text(
        "Reason and plan",
        "What you weighed, and the plan. Needed when concerns are recorded. Seen only by you.",
        rows=5,
        limit=10_000,
    )

    def validate_note(self, field):
        if self.outcome.data not in (None, "no-concerns") and not (field.data or "").strip():
            raise ValidationError("Say why, and what the plan is: it is kept with the record.")


class CaseSearchForm(Form):
    class Meta:
        csrf = False

    q = search_field("Name or email")
    status = SelectField(
        "Status",
        choices=choices({"open": "Open cases", "": "All", **CaseStatus.labels()}),
        default="open",
        validators=[Optional()],
    )
