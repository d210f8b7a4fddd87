"""Forms for writing session notes and addenda. (Booking and recording a session is
the one booking form, ``practice.calendar.forms.BookingForm``.)"""

from functools import cache

from wtforms import (
    BooleanField,
    IntegerField,
    SelectField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from practice.cases.forms import MultiCheckboxField
from practice.forms import DateField, Form, bookable, choices
from practice.idempotency import form_token_field
from practice.sessions.models import NoteTemplate, SessionStatus
from practice.sessions.notes import EFT_INTERVENTIONS, TEMPLATES
from practice.vocabulary import BUILDING_BLOCKS, EFT_STAGES, EFT_STEPS

MAX_SECTION = 200_000


def step_choices() -> list:
    return choices(
        {
            "": "Not recorded",
            **{
                str(step): f"Stage {stage} ({EFT_STAGES[stage].lower()}) · step {step}: {text}"
                for step, (stage, text) in EFT_STEPS.items()
            },
        }
    )


class NoteFormBase(Form):
    eft_step = SelectField("EFT stage and step reached", validators=[Optional()])
    # Named apart from the EFT template's "interventions" text section.
    ticked_interventions = MultiCheckboxField(
        "Interventions, ticked", choices=choices({i: i for i in EFT_INTERVENTIONS})
    )

    def __init__(self, *args, case=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.eft_step.choices = step_choices()
        for section in TEMPLATES[self.template][1]:
            self[section.key].label.text = section.heading(case)

    def section_fields(self):
        return [self[s.key] for s in TEMPLATES[self.template][1]]

    def block_fields(self):
        return [self[f"block_{key}"] for key in BUILDING_BLOCKS]

    def body(self) -> dict:
        """The note's text, by section, as it will be stored (and signed)."""
        body = {s.key: (self[s.key].data or "").strip() for s in TEMPLATES[self.template][1]}
        if self.template is NoteTemplate.EFT:
            body["interventions_used"] = list(self.ticked_interventions.data or [])
        return body

    def ratings(self) -> dict[str, int]:
        return {
            key: self[f"block_{key}"].data
            for key in BUILDING_BLOCKS
            if self[f"block_{key}"].data is not None
        }

    def has_text(self) -> bool:
        return any(v for k, v in self.body().items() if k != "interventions_used")


@cache
def note_form_class(template: NoteTemplate) -> type[NoteFormBase]:
    """A form class with one text area per section of ``template``."""
    fields = {"template": template}
    for section in TEMPLATES[template][1]:
        fields[section.key] = TextAreaField(
            section.label,
            description=section.hint,
            validators=[
                Length(
                    max=MAX_SECTION, message=f"Keep each section under {MAX_SECTION:,} characters."
                )
            ],
            render_kw={"rows": section.rows},
        )
    for key, label in BUILDING_BLOCKS.items():
        fields[f"block_{key}"] = IntegerField(
            label,
            validators=[Optional(), NumberRange(min=0, max=10, message="0 to 10.")],
            render_kw={"inputmode": "numeric", "min": 0, "max": 10},
        )
    return type(f"{template.name.title()}NoteForm", (NoteFormBase,), fields)


class AddendumForm(Form):
    """An addendum to a signed note; it may also correct the session's facts."""

    form_token = form_token_field()
    body = TextAreaField(
        "Addendum",
        validators=[
            InputRequired(message="Write the correction or addition."),
            Length(max=MAX_SECTION, message="Keep it under 200,000 characters."),
        ],
        description="Signed and time-stamped when you save it; the note itself is untouched.",
        render_kw={"rows": 4},
    )
    correct = BooleanField("Also correct the session’s record with the values below")
    day = DateField("Date", validators=[Optional(), bookable])
    time = TimeField("Start time", validators=[Optional()])
    duration = IntegerField(
        "Length in minutes",
        validators=[
            Optional(),
            NumberRange(min=10, max=300, message="Between 10 and 300 minutes."),
        ],
    )
    # Checked only when the addendum corrects (see ``validate_status``).
    status = SelectField("Status", choices=choices(SessionStatus.labels()), validate_choice=False)
    attendees = MultiCheckboxField("Who came", validate_choice=False)

    def __init__(self, *args, partners=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.attendees.choices = choices({p.position: p.name for p in partners})

    def validate_status(self, field):
        if self.correct.data and field.data not in {s.value for s in SessionStatus}:
            raise ValidationError("Choose the status.")

    def validate_attendees(self, field):
        known = {choice.value for choice in self.attendees.choices}
        if self.correct.data and set(field.data or ()) - known:
            raise ValidationError("Tick only partners of this case.")

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if not self.correct.data:
            return valid
        for field, message in (
            (self.day, "Enter the date the session was on."),
            (self.time, "Enter the time it started."),
            (self.duration, "Enter the length in minutes."),
        ):
            if field.data is None and not field.errors:
                field.errors = [*field.errors, message]
                valid = False
        return valid


class TemplateChoiceForm(Form):
    """The template a note is written in, and the one to switch it to. Sent with the
    note's own form (and its CSRF token), so that what is typed goes with it."""

    class Meta:
        csrf = False

    switch_to = SelectField(
        "Template",
        choices=choices({t.value: label for t, (label, _) in TEMPLATES.items()}),
    )
