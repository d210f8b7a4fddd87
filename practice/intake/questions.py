"""Intake questions and the answers to them, as plain values.

A question is kept as a small dict inside the version of the form it belongs to
(``IntakeForm.questions``); here it is a :class:`Question`, and the rules about
questions (what the owner may write) and answers (what a partner may send) are
plain functions, tested without a database or a request.

A question keeps its ``key`` from one version of the form to the next, so that a
draft started on one version can move to the next with the answers that still fit.
"""

import secrets
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import date

from practice.problems import FieldProblem

#: What the owner can ask for. A heading is not a question: it groups those after it.
KINDS = {
    "short": "Short text",
    "long": "Long text",
    "choice": "Choice (one of a list)",
    "scale": "Scale (a number from … to …)",
    "date": "Date",
    "heading": "Heading (groups the questions after it)",
}
SHORT_MAX, LONG_MAX = 300, 5000
LABEL_MAX, HELP_MAX, OPTION_MAX = 300, 1000, 200
MAX_OPTIONS, MAX_QUESTIONS = 20, 80
SCALE_BOUNDS = (-100, 100)
MAX_SCALE_STEPS = 20
#: Years a date answer may fall in (a birth date, when something began).
FIRST_YEAR, LAST_YEAR = 1900, 2100
DATE_HINT = "Give the date as YYYY-MM-DD, for example 1988-03-02."
REQUIRED = "Please answer this question."


@dataclass(frozen=True)
class Question:
    key: str
    kind: str
    label: str
    help: str = ""
    required: bool = False
    options: tuple[str, ...] = field(default_factory=tuple)
    low: int | None = None  # a scale's ends
    high: int | None = None

    @property
    def answered(self) -> bool:
        """Whether a partner answers it (a heading they only read)."""
        return self.kind != "heading"

    def to_json(self) -> dict:
        data = asdict(self)
        data["options"] = list(self.options)
        return data

    @classmethod
    def from_json(cls, data: Mapping) -> "Question":
        return cls(
            key=str(data["key"]),
            kind=str(data["kind"]),
            label=str(data.get("label", "")),
            help=str(data.get("help", "")),
            required=bool(data.get("required", False)),
            options=tuple(str(o) for o in data.get("options") or ()),
            low=data.get("low"),
            high=data.get("high"),
        )


class QuestionProblem(FieldProblem):
    """A question the owner wrote that breaks a rule, said for the field it belongs to."""


def questions_from(data: Iterable[Mapping]) -> list[Question]:
    return [Question.from_json(item) for item in data]


def check_question(question: Question) -> Question:
    """``question`` tidied (labels trimmed, options and scale only where they belong), or
    :class:`QuestionProblem` for the first thing wrong with it."""
    if question.kind not in KINDS:
        raise QuestionProblem("kind", "Choose what kind of question this is.")
    label = question.label.strip()
    if not label:
        raise QuestionProblem("label", "Write the question (or the heading).")
    if len(label) > LABEL_MAX:
        raise QuestionProblem("label", f"Keep the question under {LABEL_MAX} characters.")
    help_text = question.help.strip()
    if len(help_text) > HELP_MAX:
        raise QuestionProblem("help", f"Keep the help under {HELP_MAX} characters.")
    options: tuple[str, ...] = ()
    low = high = None
    if question.kind == "choice":
        options = tuple(o.strip() for o in question.options if o.strip())
        if len(options) < 2:
            raise QuestionProblem("options", "Give at least two options, one on each line.")
        if len(options) > MAX_OPTIONS:
            raise QuestionProblem("options", f"Give at most {MAX_OPTIONS} options.")
        if any(len(o) > OPTION_MAX for o in options):
            raise QuestionProblem("options", f"Keep each option under {OPTION_MAX} characters.")
        if len({o.casefold() for o in options}) < len(options):
            raise QuestionProblem("options", "Each option must be different from the others.")
    if question.kind == "scale":
        low, high = question.low, question.high
        if low is None or high is None:
            raise QuestionProblem("low", "Give the lowest and the highest number of the scale.")
        first, last = SCALE_BOUNDS
        if not (first <= low <= last and first <= high <= last):
            raise QuestionProblem("low", f"Keep the scale between {first} and {last}.")
        if low >= high:
            raise QuestionProblem("high", "The highest number must be above the lowest.")
        if high - low > MAX_SCALE_STEPS:
            raise QuestionProblem(
                "high", f"A scale can have at most {MAX_SCALE_STEPS + 1} points to choose from."
            )
    return Question(
        key=question.key,
        kind=question.kind,
        label=label,
        help=help_text,
        required=question.required and question.kind != "heading",
        options=options,
        low=low,
        high=high,
    )


def new_key(taken: Iterable[str]) -> str:
    """A key no question of the form has had."""
    taken = set(taken)
    while (key := "q" + secrets.token_hex(3)) in taken:
        continue
    return key


def check_answers(
    questions: Iterable[Question], given: Mapping[str, str], *, complete: bool
) -> tuple[dict[str, str], dict[str, str]]:
    """The answers to keep, and a message for each answer that cannot be kept.

    ``complete``: the partner is sending the form, so a required question must be
    answered; a draft keeps whatever fits. Answers are kept as text (a scale as its
    number, a date as YYYY-MM-DD); anything that is not one of the questions is
    left out.
    """
    answers: dict[str, str] = {}
    problems: dict[str, str] = {}
    for question in questions:
        if not question.answered:
            continue
        value = (given.get(question.key) or "").strip()
        if not value:
            if complete and question.required:
                problems[question.key] = REQUIRED
            continue
        if problem := answer_problem(question, value):
            problems[question.key] = problem
        else:
            answers[question.key] = value
    return answers, problems


def answer_problem(question: Question, value: str) -> str | None:
    """What is wrong with ``value`` as an answer to ``question``; None if nothing."""
    if question.kind == "short" and len(value) > SHORT_MAX:
        return f"Keep this under {SHORT_MAX} characters."
    if question.kind == "long" and len(value) > LONG_MAX:
        return f"Keep this under {LONG_MAX:,} characters."
    if question.kind == "choice" and value not in question.options:
        return "Choose one of the options."
    if question.kind == "scale":
        number = _integer(value)
        if number is None or not (question.low <= number <= question.high):
            return f"Choose a number from {question.low} to {question.high}."
    if question.kind == "date":
        day = _day(value)
        if day is None:
            return DATE_HINT
        if not FIRST_YEAR <= day.year <= LAST_YEAR:
            return f"Give a date between {FIRST_YEAR} and {LAST_YEAR}."
    return None


def carried_over(answers: Mapping[str, str], questions: Iterable[Question]) -> dict[str, str]:
    """The answers of a draft that still fit a newer version of the form."""
    kept, _ = check_answers(questions, answers, complete=False)
    return kept


def shown(question: Question, value: str | None) -> str:
    """An answer as the counsellor (or its writer) reads it."""
    if not value:
        return ""
    if question.kind == "scale":
        return f"{value} (on a scale from {question.low} to {question.high})"
    if question.kind == "date" and (day := _day(value)):
        return f"{day.day} {day:%B %Y}"
    return value


def _integer(value: str) -> int | None:
    try:
        return int(value)
    except ValueError:
        return None


def _day(value: str) -> date | None:
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def answer_rows(questions: Iterable[Question], answers: Mapping[str, str]) -> list[tuple]:
    """What was answered, in the form's order, as (heading or not, label, answer shown)."""
    return [
        (not q.answered, q.label, shown(q, answers.get(q.key)) if q.answered else "")
        for q in questions
    ]
