"""Forms for browsing the catalogue and writing practice-own exercises."""

from wtforms import (
    BooleanField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from practice.forms import Form, choices, required_choice, search_field
from practice.vocabulary import CADENCES, CONCERNS, EFT_STAGES, EXERCISE_WHO, THEMES


class CaseChoiceForm(Form):
    """Which of the counsellor's open cases an exercise from the catalogue is for."""

    # The choices are the open cases, but a posted id is checked by the view through the
    # access helper (another counsellor's case is a 404, not a "not a valid choice").
    case = required_choice("Which couple", "Choose the case to give it to.", validate_choice=False)

    def __init__(self, *args, cases=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.case.choices = [(str(c.id), c.label) for c in cases]


class BrowseForm(Form):
    """The catalogue's search and filters, read from the query string."""

    class Meta:
        csrf = False

    q = search_field("e.g. I-statements, date night, apology")
    theme = SelectField(
        "Theme", choices=choices({"": "Any theme", **THEMES}), validators=[Optional()]
    )
    concern = SelectField(
        "Presenting concern",
        choices=choices({"": "Any concern", **CONCERNS}),
        validators=[Optional()],
    )
    stage = SelectField(
        "EFT stage",
        choices=choices({"": "Any stage", **{str(k): f"{k}: {v}" for k, v in EFT_STAGES.items()}}),
        validators=[Optional()],
    )


MAX_PROMPTS = 5


class ExerciseForm(Form):
    """A practice-own exercise: new, copied from the catalogue, or a new version."""

    strategy = SelectField(
        "Strategy it belongs to",
        validators=[DataRequired(message="Choose the strategy this exercise supports.")],
    )
    title = StringField(
        "Title", validators=[DataRequired(message="Give the exercise a title."), Length(max=200)]
    )
    instructions = TextAreaField(
        "Instructions for the client",
        validators=[DataRequired(message="Write what the client should do."), Length(max=10_000)],
        description="Written to the client: what to do, when, and for how long.",
        render_kw={"rows": 8},
    )
    who = required_choice(
        "Who does it",
        "Say who does the exercise.",
        EXERCISE_WHO,
        default="each",
        description="“One partner” is for work written for one of them, such as the partner "
        "who caused a hurt: you choose which partner when you assign it.",
    )
    with_partner = BooleanField(
        "It asks them to involve their partner",
        description="Tick it if a partner doing it alone is asked to tell, ask, agree or "
        "arrange something with the other, do something with or for them, or show them "
        "something. While work together is held for a couple, such exercises are not "
        "given, and those already given are set aside. Exercises done together always count.",
    )
    cadence = SelectField("How often", choices=choices(CADENCES), default="weekly")
    per_week = IntegerField(
        "Times a week",
        validators=[Optional(), NumberRange(min=2, max=6, message="2 to 6.")],
        description="Only for “times a week”.",
    )
    minutes = IntegerField(
        "Minutes each time",
        default=15,
        validators=[
            InputRequired(message="About how long does it take?"),
            NumberRange(min=1, max=240, message="Between 1 and 240 minutes."),
        ],
    )
    prompts = TextAreaField(
        "Reflection prompts",
        validators=[
            DataRequired(message="Give at least two reflection prompts."),
            Length(max=3000),
        ],
        description="One question per line, 2 to 5 of them. Clients answer each in the portal.",
        render_kw={"rows": 5},
    )
    submit = SubmitField("Save exercise")

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        count = len(self.prompt_texts)
        if self.prompts.data and not 2 <= count <= MAX_PROMPTS:
            self.prompts.errors.append(
                f"Give 2 to {MAX_PROMPTS} prompts, one per line (there are {count})."
            )
            ok = False
        if self.cadence.data == "n-per-week" and not self.per_week.data:
            self.per_week.errors.append("Say how many times a week (2 to 6).")
            ok = False
        return ok

    @property
    def prompt_texts(self) -> list[str]:
        return [line.strip() for line in (self.prompts.data or "").splitlines() if line.strip()]
