"""Forms for answering the intake questions and for the owner's form builder."""

from wtforms import (
    BooleanField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional

from practice.forms import Form, choices, optional_text
from practice.intake.questions import HELP_MAX, KINDS, LABEL_MAX, Question

#: Neither the browser nor a password manager is to offer one partner's answers to the other.
PRIVATE = {"autocomplete": "off"}


def _field(question: Question):
    label = question.label + (" (required)" if question.required else "")
    common = {"label": label, "description": question.help}
    if question.kind == "long":
        return TextAreaField(render_kw={"rows": 4} | PRIVATE, **common)
    if question.kind == "choice":
        return RadioField(
            choices=choices({o: o for o in question.options}), validate_choice=False, **common
        )
    if question.kind == "scale":
        points = [str(n) for n in range(question.low, question.high + 1)]
        return RadioField(choices=choices({p: p for p in points}), validate_choice=False, **common)
    if question.kind == "date":
        return StringField(render_kw={"type": "date"} | PRIVATE, **common)
    return StringField(render_kw=PRIVATE, **common)


class AnswersForm(Form):
    """The questions of one version of the intake form, a field ``q_<key>`` for each.
    What is typed is checked by ``intake.questions.check_answers``, not here, so that a
    draft keeps what a sent form would refuse."""

    @classmethod
    def for_questions(cls, questions, **kwargs) -> "AnswersForm":
        fields = {f"q_{q.key}": _field(q) for q in questions if q.answered}
        form = type("IntakeAnswersForm", (cls,), fields)(**kwargs)
        form.questions = list(questions)
        return form

    def field_of(self, question: Question):
        return self[f"q_{question.key}"]

    def given(self) -> dict[str, str]:
        """What was typed or chosen, by question key."""
        return {q.key: self.field_of(q).data or "" for q in self.questions if q.answered}

    def fill(self, answers: dict[str, str]) -> None:
        for question in self.questions:
            if question.answered and question.key in answers:
                self.field_of(question).data = answers[question.key]

    def place(self, problems: dict[str, str]) -> None:
        """Put each problem beside the question it is about."""
        for question in self.questions:
            if question.key in problems:
                field = self.field_of(question)
                field.errors = [*field.errors, problems[question.key]]


class QuestionForm(Form):
    """One question of the owner's intake form."""

    kind = SelectField("Kind", choices=choices(KINDS), default="short")
    label = TextAreaField(
        "Question",
        validators=[
            DataRequired("Write the question (or the heading)."),
            Length(max=LABEL_MAX, message=f"Keep the question under {LABEL_MAX} characters."),
        ],
        render_kw={"rows": 2},
    )
    help = optional_text(
        "Help shown under it",
        "Optional: an example, or why the practice asks.",
        rows=2,
        limit=HELP_MAX,
        too_long=f"Keep the help under {HELP_MAX} characters.",
    )
    required = BooleanField("An answer is required before the form can be sent")
    options = optional_text(
        "Options",
        "For a choice: one option on each line, in the order to show them.",
        rows=4,
        too_long="Keep the options under 5,000 characters.",
    )
    low = IntegerField(
        "From",
        validators=[Optional()],
        description="For a scale: its lowest number.",
        render_kw={"inputmode": "numeric"},
    )
    high = IntegerField(
        "To",
        validators=[Optional()],
        description="For a scale: its highest number.",
        render_kw={"inputmode": "numeric"},
    )

    def question(self, key: str = "") -> Question:
        return Question(
            key=key,
            kind=self.kind.data or "",
            label=self.label.data or "",
            help=self.help.data or "",
            required=bool(self.required.data),
            options=tuple((self.options.data or "").splitlines()),
            low=self.low.data,
            high=self.high.data,
        )

    def fill(self, question: Question) -> None:
        self.kind.data = question.kind
        self.label.data = question.label
        self.help.data = question.help
        self.required.data = question.required
        self.options.data = "\n".join(question.options)
        self.low.data = question.low
        self.high.data = question.high
