"""Forms for giving homework (counsellors) and recording it (clients)."""

from flask_wtf.form import _Auto
from wtforms import (
    BooleanField,
    FieldList,
    IntegerField,
    RadioField,
    SelectField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from practice.dates import practice_today
from practice.forms import DateField, Form, choices, optional_text, required_choice
from practice.homework.models import ForWhom
from practice.homework.services import Terms
from practice.idempotency import form_token_field
from practice.vocabulary import CADENCES

MAX_ANSWER = 25_000
RATINGS = {str(n): str(n) for n in range(1, 6)}
ONE_PARTNER_ONLY = (
    "This exercise is written for one partner, not both: choose which of them does it."
)


class AssignForm(Form):
    """Who does it, how often, from when to when, and the counsellor's own words."""

    form_token = form_token_field()
    for_whom = required_choice("Who does it", "Say who it is for.")
    cadence = SelectField("How often", choices=choices(CADENCES))
    per_week = IntegerField(
        "Times a week", validators=[Optional()], description="For “times a week”: 2 to 6."
    )
    starts_on = DateField("Start", validators=[InputRequired(message="Enter a start date.")])
    due_on = DateField(
        "Due by",
        validators=[Optional()],
        description="Leave empty to keep it going until you withdraw it.",
    )
    given_at = SelectField(
        "Given at",
        default="",
        description="The session's handouts list the homework given at it, each partner "
        "seeing only what is for them.",
    )
    counsellor_note = optional_text(
        "Your words for this couple",
        "Shown to the clients with the exercise: why this, why now, what to notice.",
        rows=4,
    )

    def __init__(self, *args, partners=(), who="each", original_start=None, sessions=(), **kwargs):
        super().__init__(*args, **kwargs)
        # ``sessions``: (id, label) of the sessions this homework may have been given at.
        self.given_at.choices = [("", "Between sessions")] + [(str(i), t) for i, t in sessions]
        # When changing homework, a start already in the past may stay where it is.
        self.original_start = original_start
        # Work written for one partner (``who`` "one") goes to partner A or B, never both.
        self.one_partner = who == "one"
        options = {p.position: f"{p.first_name} alone" for p in partners}
        if len(partners) > 1 and not self.one_partner:
            options |= {"each": "Each partner, separately", "together": "Both together"}
        elif len(partners) > 1:
            self.for_whom.description = "Written for one partner: choose which of them does it."
            self.counsellor_note.label.text = "Your words for this partner"
            self.counsellor_note.description = (
                "Shown with the exercise to the partner you choose, and to nobody else."
            )
        self.for_whom.choices = choices(options)

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        if self.one_partner and self.for_whom.data in ("each", "together"):
            # Said plainly, instead of the bare "Not a valid choice".
            self.for_whom.errors[:] = [ONE_PARTNER_ONLY]
        # Here, not in validate_per_week: Optional() ends the field's own checks
        # when it is empty, which is exactly the case to catch.
        if self.cadence.data == "n-per-week" and not self.per_week.errors:
            if self.per_week.data is None:
                self.per_week.errors.append("Say how many times a week (2 to 6).")
                ok = False
            elif not 2 <= self.per_week.data <= 6:
                self.per_week.errors.append(
                    "Between 2 and 6 times a week; for every day, choose Daily."
                )
                ok = False
        return ok

    def terms(self) -> Terms:
        """What was chosen, as plain values for the homework service."""
        return Terms(
            for_whom=ForWhom(self.for_whom.data),
            cadence=self.cadence.data,
            per_week=self.per_week.data,
            starts_on=self.starts_on.data,
            due_on=self.due_on.data,
            counsellor_note=self.counsellor_note.data or "",
            session_id=int(self.given_at.data) if self.given_at.data else None,
        )

    def validate_due_on(self, field):
        if field.data is None:
            return
        if field.data < practice_today():
            raise ValidationError("The due date has already passed; choose today or later.")
        if self.starts_on.data and field.data < self.starts_on.data:
            raise ValidationError("The due date is before the start date.")

    def validate_starts_on(self, field):
        if field.data is None or field.data == self.original_start:
            return
        if (field.data - practice_today()).days > 366:
            raise ValidationError("That start is more than a year away; please check it.")
        if (practice_today() - field.data).days > 31:
            raise ValidationError("Homework can start at most a month in the past.")


class EntryForm(Form):
    """A client's record of doing the exercise."""

    form_token = form_token_field()
    answers = FieldList(
        TextAreaField(
            validators=[
                Length(
                    max=MAX_ANSWER,
                    message=f"Please keep each answer under {MAX_ANSWER:,} characters.",
                )
            ],
            # The browser is not to offer one partner's answers to the other.
            render_kw={"rows": 4, "autocomplete": "off"},
        )
    )
    done_on = DateField(
        "When did you do it?", validators=[InputRequired(message="Enter the day you did it.")]
    )
    helpful = required_choice(
        "How helpful was it?", "Choose 1 to 5.", RATINGS, description="1 not at all, 5 very"
    )
    difficulty = required_choice(
        "How hard was it?", "Choose 1 to 5.", RATINGS, description="1 easy, 5 very hard"
    )
    shared = BooleanField(
        "Share this entry with my partner",
        description="Your counsellor always sees it. Your partner sees it only if you tick this.",
    )

    def __init__(self, *args, prompts=(), starts_on=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.prompts = list(prompts)
        self.starts_on = starts_on
        # One answer per prompt, matched by number: FieldList would close up the
        # gaps in a request that skips one, putting answers under the wrong prompt.
        formdata = self.meta.wrap_formdata(self, args[0] if args else _Auto)
        numbers = {
            int(k.split("-", 1)[1])
            for k in (formdata or ())
            if k.startswith("answers-") and k.split("-", 1)[1].isdigit()
        }
        self.extra_answers = any(n >= len(self.prompts) for n in numbers)
        self.answers.entries = []
        for n, prompt in enumerate(self.prompts):
            entry = self.answers._add_entry(formdata, index=n)
            entry.label.text = prompt

    def validate_answers(self, field):
        if self.extra_answers:
            raise ValidationError("There are more answers than questions.")
        if not any((a or "").strip() for a in field.data):
            raise ValidationError("Write a few words for at least one of the questions.")

    def answered(self, trim: bool = True) -> list[dict[str, str]]:
        """The answers as kept: each beside its prompt (an entry's trimmed, a draft's as typed)."""
        return [
            {"prompt": prompt, "answer": (answer or "").strip() if trim else answer or ""}
            for prompt, answer in zip(self.prompts, self.answers.data, strict=False)
        ]

    def given(self) -> dict:
        """What the partner gave, as plain values for ``new_entry`` and ``correct_entry``."""
        given = {
            "done_on": self.done_on.data,
            "answers": self.answered(),
            "helpful": int(self.helpful.data),
            "difficulty": int(self.difficulty.data),
        }
        if self.shared is not None:
            given["shared"] = bool(self.shared.data)
        return given

    def fill(self, draft) -> None:
        """Show a draft's values in the fields, its answers matched to the prompts by number."""
        for field, kept in zip(self.answers.entries, draft.answers, strict=False):
            field.data = kept["answer"]
        self.done_on.data = draft.done_on or self.done_on.data
        self.helpful.data = str(draft.helpful) if draft.helpful else None
        self.difficulty.data = str(draft.difficulty) if draft.difficulty else None
        self.shared.data = draft.shared

    def validate_done_on(self, field):
        if field.data is None:
            return
        if field.data > practice_today():
            raise ValidationError("That day hasn't come yet.")
        if self.starts_on and field.data < self.starts_on:
            raise ValidationError("That is before this homework began.")


class EntryCorrectionForm(EntryForm):
    """The writer's correction of a saved entry: its answers, day and ratings.

    Sharing is not here: it has its own button on the entry, and a correction
    never changes who may read it.
    """

    shared = None

    def fill_from(self, entry) -> None:
        """Show the entry as saved, its answers matched to its prompts by number."""
        for field, kept in zip(self.answers.entries, entry.answers, strict=False):
            field.data = kept["answer"]
        self.done_on.data = entry.done_on
        self.helpful.data = str(entry.helpful)
        self.difficulty.data = str(entry.difficulty)


class DraftForm(EntryForm):
    """What a client has typed towards an entry so far: nothing is required yet.

    A draft keeps what was typed, so only what could not be kept at all is refused:
    an answer over the length limit, more answers than prompts, a day or a rating
    that is not one.
    """

    done_on = DateField("When did you do it?", validators=[Optional()])
    helpful = RadioField(choices=choices(RATINGS), validators=[Optional()])
    difficulty = RadioField(choices=choices(RATINGS), validators=[Optional()])

    def validate_answers(self, field):
        if self.extra_answers:
            raise ValidationError("There are more answers than questions.")

    def validate_done_on(self, field):
        """Any real day will do in a draft; saving the entry checks it."""

    def values(self) -> dict | None:
        """The draft as plain values; None while nothing is typed or chosen (the page
        fills in the day itself, so a day alone is not a draft)."""
        typed = any((a or "").strip() for a in self.answers.data)
        if not (typed or self.helpful.data or self.difficulty.data):
            return None
        return {
            "answers": self.answered(trim=False),
            "done_on": self.done_on.data,
            "helpful": int(self.helpful.data) if self.helpful.data else None,
            "difficulty": int(self.difficulty.data) if self.difficulty.data else None,
            "shared": bool(self.shared.data),
        }
