"""Forms for writing a treatment plan, reviewing it, and adding an addendum.

The plan form is rows: problems, goals (each with its objectives) and
interventions. A blank row is left out; a few blank rows are offered each time
the form is shown, so a plan grows a save at a time without any script.
"""

import wtforms
from wtforms import (
    BooleanField,
    FieldList,
    FormField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Length, Optional, ValidationError

from practice.dates import practice_today
from practice.forms import (
    DateField,
    Form,
    StartedFromField,
    choices,
    past_date,
    required_choice,
    required_text,
)
from practice.idempotency import form_token_field
from practice.plans.content import (
    COUPLE,
    MEASURES,
    RATERS,
    Goal,
    Intervention,
    Objective,
    PlanContent,
    Problem,
    target_problem,
)
from practice.plans.models import Decision
from practice.plans.printed import number
from practice.plans.status import ORDER
from practice.vocabulary import EFT_STEPS

MAX_ROWS = 30
MAX_OBJECTIVES = 12


def _text(label: str, limit: int, rows: int = 2) -> TextAreaField:
    return TextAreaField(
        label,
        validators=[Length(max=limit, message=f"Keep this under {limit:,} characters.")],
        render_kw={"rows": rows},
    )


class ProblemRow(wtforms.Form):
    whose = SelectField("Whose", validate_choice=True)
    text = _text("In their words", 1000)


class ObjectiveRow(wtforms.Form):
    text = StringField(
        "Objective",
        validators=[Length(max=500, message="Keep this under 500 characters.")],
    )
    whose = SelectField("Whose", validate_choice=True)
    measure = SelectField("Measured by", choices=choices(MEASURES), default="csi")
    rater = SelectField("Block rated by", choices=choices(RATERS), default="partners")
    target = StringField("At or above", render_kw={"inputmode": "decimal", "size": 5})
    by = DateField("By", validators=[Optional()])

    @property
    def blank(self) -> bool:
        return not (self.text.data or "").strip() and not (self.target.data or "").strip()

    def target_value(self) -> float | None:
        try:
            return float((self.target.data or "").strip().replace(",", "."))
        except ValueError:
            return None

    # Set by the goal row before validating: whose goal this objective serves.
    goal_whose = COUPLE

    def validate_text(self, field):
        if not self.blank and not (field.data or "").strip():
            raise ValidationError("Say what the objective is.")

    def validate_whose(self, field):
        if not self.blank and self.goal_whose != COUPLE and field.data != self.goal_whose:
            raise ValidationError(
                "This goal is one partner's own: its objectives are that partner's too."
            )

    def validate_target(self, field):
        if self.blank:
            return
        if (field.data or "").strip() and self.target_value() is None:
            raise ValidationError("Give the target as a number, such as 13.5.")
        if problem := target_problem(self.measure.data or "csi", self.target_value()):
            raise ValidationError(problem)

    def validate_by(self, field):
        if not self.blank and field.data and field.data < practice_today():
            raise ValidationError("A target date is today or later.")


class GoalRow(wtforms.Form):
    whose = SelectField("Whose", validate_choice=True)
    text = _text("Goal", 500)
    objectives = FieldList(FormField(ObjectiveRow), min_entries=1, max_entries=MAX_OBJECTIVES)

    def validate(self, extra_validators=None) -> bool:
        for row in self.objectives:
            row.form.goal_whose = self.whose.data
        return super().validate(extra_validators)

    def validate_text(self, field):
        if not (field.data or "").strip() and any(not o.form.blank for o in self.objectives):
            raise ValidationError("Write the goal these objectives serve.")


class InterventionRow(wtforms.Form):
    what = SelectField("Intervention", validate_choice=True)
    note = StringField(
        "How, for this couple",
        validators=[Length(max=500, message="Keep this under 500 characters.")],
    )

    def validate_what(self, field):
        if (self.note.data or "").strip() and not field.data:
            raise ValidationError("Choose what this note is for.")


class PlanForm(Form):
    based_on = StartedFromField()
    problems = FieldList(FormField(ProblemRow), min_entries=1, max_entries=MAX_ROWS)
    goals = FieldList(FormField(GoalRow), min_entries=1, max_entries=MAX_ROWS)
    interventions = FieldList(FormField(InterventionRow), min_entries=1, max_entries=MAX_ROWS)
    review_by = DateField(
        "Review by",
        validators=[Optional()],
        description="When you mean to review the plan, if before the five-session review "
        "or after it. Leave empty to review at the five-session review and when you choose.",
    )

    def prepare(self, partners, strategies: dict[str, str], *, blanks: bool) -> None:
        """Set each row's choices (after the case's partners and the catalogue), and with
        ``blanks`` add empty rows to write in."""
        if blanks:
            _pad(self.problems, 2, 3)
            _pad(self.goals, 1, 2)
            for goal in self.goals:
                written = len(goal.form.objectives.entries)
                _pad(goal.form.objectives, 1, 2)
                for row in goal.form.objectives.entries[written:]:
                    # A new objective under a partner's own goal is that partner's too.
                    row.form.whose.data = goal.form.whose.data or COUPLE
            _pad(self.interventions, 2, 3)
        whose = whose_choices(partners)
        for row in self.problems:
            row.form.whose.choices = whose
        for goal in self.goals:
            goal.form.whose.choices = whose
            for objective in goal.form.objectives:
                objective.form.whose.choices = whose
        what = intervention_choices(strategies)
        for row in self.interventions:
            row.form.what.choices = what

    def content(self) -> PlanContent:
        """The plan as written, blank rows left out."""
        return PlanContent(
            problems=tuple(
                Problem(row.form.text.data.strip(), row.form.whose.data)
                for row in self.problems
                if (row.form.text.data or "").strip()
            ),
            goals=tuple(
                Goal(
                    goal.form.text.data.strip(),
                    goal.form.whose.data,
                    tuple(
                        Objective(
                            text=o.form.text.data.strip(),
                            whose=o.form.whose.data,
                            measure=o.form.measure.data,
                            target=o.form.target_value(),
                            by=o.form.by.data,
                            rater=_rater(o.form),
                        )
                        for o in goal.form.objectives
                        if not o.form.blank
                    ),
                )
                for goal in self.goals
                if (goal.form.text.data or "").strip()
            ),
            interventions=tuple(
                _intervention(row.form.what.data, (row.form.note.data or "").strip())
                for row in self.interventions
                if row.form.what.data
            ),
        )


def plan_data(content: PlanContent, review_by) -> dict:
    """A plan's content as the form's data, to edit it."""
    return {
        "problems": [{"whose": p.whose, "text": p.text} for p in content.problems],
        "goals": [
            {
                "whose": g.whose,
                "text": g.text,
                "objectives": [
                    {
                        "text": o.text,
                        "whose": o.whose,
                        "measure": o.measure,
                        "rater": o.rater,
                        "target": number(o.target),
                        "by": o.by,
                    }
                    for o in g.objectives
                ],
            }
            for g in content.goals
        ],
        "interventions": [{"what": i.key, "note": i.note} for i in content.interventions],
        "review_by": review_by,
    }


def whose_choices(partners) -> list:
    """The couple and each partner; in individual work, the one person (as the couple)."""
    if len(partners) == 1:
        return choices({COUPLE: partners[0].first_name})
    return choices(
        {COUPLE: "Both of them"} | {p.position: f"{p.first_name} alone" for p in partners}
    )


def intervention_choices(strategies: dict[str, str]) -> list:
    """EFT steps, then the catalogue's strategies by title."""
    steps = {
        f"step:{n}": f"EFT stage {stage}, step {n}: {text}"
        for n, (stage, text) in EFT_STEPS.items()
    }
    catalogue = {
        f"strategy:{slug}": f"Strategy: {title}"
        for slug, title in sorted(strategies.items(), key=lambda item: item[1])
    }
    return choices({"": "—"} | steps | catalogue)


def _rater(row: ObjectiveRow) -> str:
    return row.rater.data if row.measure.data.startswith("block:") else "partners"


def _intervention(what: str, note: str) -> Intervention:
    kind, _, value = what.partition(":")
    if kind == "step":
        return Intervention(step=int(value), note=note)
    return Intervention(strategy=value, note=note)


def _pad(rows: FieldList, spare: int, least: int) -> None:
    wanted = max(least, len(rows.entries) + spare)
    while len(rows.entries) < min(wanted, rows.max_entries or wanted):
        rows.append_entry()


class ReviewRow(wtforms.Form):
    status = SelectField(
        "Where it stands",
        choices=choices({s.value: s.value.capitalize() for s in reversed(ORDER)}),
        validate_choice=True,
    )
    finding = _text("What you found", 2000)


class ReviewForm(Form):
    form_token = form_token_field()
    reviewed_on = past_date(
        "Reviewed on", "Enter the date of the review.", "A review cannot be dated in the future."
    )
    five_session = BooleanField("This is the five-session review")
    findings = FieldList(FormField(ReviewRow), max_entries=MAX_ROWS * MAX_OBJECTIVES)
    decision = required_choice(
        "What next", "Say whether the plan continues or is revised.", Decision.labels()
    )
    summary = _text("Summary", 5000, rows=4)
    next_review_on = DateField("Next review by", validators=[Optional()])


class PlanAddendumForm(Form):
    form_token = form_token_field()
    body = required_text(
        "Addendum",
        "Write the correction or addition.",
        "Signed with your name and the time as you save it; the plan itself is not changed.",
        limit=5000,
        too_long="Keep the addendum under 5,000 characters.",
        rows=4,
    )
