"""Giving homework, recording entries, and reading adherence for a case."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from practice import audience, audit
from practice.auth.models import User
from practice.cases.models import Case, Partner
from practice.catalogue.models import Exercise, ExerciseContent, ExerciseVersion
from practice.database import now_utc
from practice.dates import local
from practice.extensions import db
from practice.homework.adherence import Adherence, HomeworkSchedule
from practice.homework.drafts import discard_draft
from practice.homework.models import (
    Assignment,
    AssignmentStatus,
    EntryRevision,
    ForWhom,
    HomeworkEntry,
)
from practice.screening.holds import joint_work_held
from practice.sessions.models import Session, SessionStatus

CONJOINT_UNSCREENED = (
    "Record a safety screening for this case before assigning an exercise done together."
)


def conjoint_problem(case: Case) -> str | None:
    """Why work together cannot be assigned to ``case`` now; None if it can."""
    if held := joint_work_held(case):
        return held
    if case.screened_on is None:
        return CONJOINT_UNSCREENED
    return None


WITH_PARTNER_HELD = "This exercise asks them to involve their partner. {held}"
ONE_PERSON = "Done by a couple together: this case is one person's."


def why_not_given(case: Case, exercise: ExerciseContent) -> str | None:
    """Why ``exercise`` cannot be given to ``case`` now, whoever it would be for; None if it can.

    The one rule behind every place an exercise is offered (search results, suggestions,
    the catalogue's "Assign to a case…"): work done together needs a screened case whose
    joint work is not held, and an exercise that involves the partner needs joint work
    not held. Giving it then checks the partner chosen (:func:`assignment_problems`).
    """
    if exercise.together and len(case.partners) < 2:
        return ONE_PERSON
    if exercise.together and (problem := conjoint_problem(case)):
        return problem
    if exercise.with_partner and (held := joint_work_held(case)):
        return WITH_PARTNER_HELD.format(held=held)
    return None


class NotGiven(ValueError):
    """Why homework cannot be given (or changed) as asked, in words for the counsellor.

    Every reason is about who does it, so the form puts them beside that choice.
    """

    def __init__(self, problems: list[str]):
        super().__init__(" ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Terms:
    """What the counsellor decides when giving homework: who, how often, when, their words."""

    for_whom: ForWhom
    cadence: str
    starts_on: date
    per_week: int | None = None
    due_on: date | None = None
    counsellor_note: str = ""
    session_id: int | None = None

    def columns(self) -> dict:
        """The assignment's columns these terms set (times a week only for that cadence)."""
        return {
            "for_whom": self.for_whom,
            "cadence": self.cadence,
            "per_week": self.per_week if self.cadence == "n-per-week" else None,
            "starts_on": self.starts_on,
            "due_on": self.due_on,
            "counsellor_note": self.counsellor_note.strip(),
            "session_id": self.session_id,
        }


def assignment_problems(
    case: Case, who: str, for_whom: ForWhom, *, with_partner: bool = False
) -> list[str]:
    """Why homework written for ``who`` cannot go to ``for_whom`` in ``case`` now; [] if it can.

    ``who`` is the exercise's own "each", "together" or "one" (see ``EXERCISE_WHO``);
    ``with_partner``, whether it asks a partner to involve the other.
    """
    problems = []
    exercise_together = who == "together"
    together = for_whom is ForWhom.TOGETHER or (exercise_together and for_whom is ForWhom.EACH)
    if together and (problem := conjoint_problem(case)):
        problems.append(problem)
    elif with_partner and (held := joint_work_held(case)):
        problems.append(WITH_PARTNER_HELD.format(held=held))
    if exercise_together and for_whom in (ForWhom.A, ForWhom.B):
        problems.append("This exercise is done together; give it to both partners.")
    return problems


#: How far back a session can be that homework is recorded as given at.
GIVEN_WITHIN = timedelta(days=14)


def sessions_to_give_at(case: Case, now: datetime) -> list[Session]:
    """The case's sessions homework may be given at: begun in the last fortnight, latest first.

    Cancelled sessions and no-shows gave nothing; a session of today that has begun
    counts before it is marked attended, since homework is often given in the room.
    """
    return list(
        db.session.scalars(
            sa.select(Session)
            .where(
                Session.case_id == case.id,
                Session.status.in_((SessionStatus.ATTENDED, SessionStatus.SCHEDULED)),
                Session.starts_at <= now,
                Session.starts_at > now - GIVEN_WITHIN,
            )
            .order_by(Session.starts_at.desc())
        )
    )


def new_assignment(case: Case, exercise: Exercise, terms: Terms, by: User) -> Assignment:
    """Give ``exercise`` to ``case`` on ``terms``; :class:`NotGiven` says why not."""
    if problems := assignment_problems(
        case, exercise.who, terms.for_whom, with_partner=exercise.with_partner
    ):
        raise NotGiven(problems)
    assignment = Assignment(
        case=case, exercise=exercise.current_version, created_by=by, **terms.columns()
    )
    db.session.add(assignment)
    return assignment


def change_assignment(assignment: Assignment, case: Case, terms: Terms) -> None:
    """Put new ``terms`` on homework already given; :class:`NotGiven` says why not."""
    version = assignment.exercise
    with_partner = version.with_partner or version.exercise.with_partner
    if problems := assignment_problems(
        case, version.who, terms.for_whom, with_partner=with_partner
    ):
        raise NotGiven(problems)
    for name, value in terms.columns().items():
        setattr(assignment, name, value)
    assignment.updated_at = now_utc()


def withdraw(assignment: Assignment) -> None:
    assignment.status = AssignmentStatus.WITHDRAWN
    assignment.withdrawn_at = now_utc()
    audit.record("assignment.withdraw", assignment)


class EntryProblem(ValueError):
    """An entry that cannot be kept as given (a rating out of range, no answer at all)."""


#: Helpful and hard are each rated 1 to 5.
RATING_RANGE = range(1, 6)


def entry_columns(
    *, done_on: date, answers: list[dict], helpful: int, difficulty: int, shared: bool = False
) -> dict:
    """An entry's columns from what its writer gave: answers trimmed, ratings checked."""
    kept = [{"prompt": a["prompt"], "answer": (a["answer"] or "").strip()} for a in answers]
    if not any(a["answer"] for a in kept):
        raise EntryProblem("Write a few words for at least one of the questions.")
    for name, rating in (("helpful", helpful), ("difficulty", difficulty)):
        if rating not in RATING_RANGE:
            raise EntryProblem(f"{name} is rated 1 to 5, not {rating!r}.")
    return {
        "done_on": done_on,
        "answers": kept,
        "helpful": helpful,
        "difficulty": difficulty,
        "shared": bool(shared),
    }


def new_entry(
    assignment: Assignment,
    partner: Partner,
    *,
    made_at: datetime | None = None,
    **given,
) -> HomeworkEntry:
    """Record the partner's entry (``given`` as :func:`entry_columns` takes it); the draft
    it was typed in has served and goes. ``made_at`` is for records made after the fact
    (the demo practice); a client's entry is made now."""
    entry = HomeworkEntry(
        assignment=assignment, partner=partner, case_id=assignment.case_id, **entry_columns(**given)
    )
    if made_at is not None:
        entry.created_at = made_at
    db.session.add(entry)
    discard_draft(assignment, partner)
    return entry


#: How long after saving an entry its writer may still correct it.
CORRECTABLE_FOR = timedelta(days=1)


def correctable_until(entry: HomeworkEntry) -> datetime:
    """Until when the entry's writer may correct it: a day after they first saved it."""
    return entry.created_at + CORRECTABLE_FOR


def correctable(entry: HomeworkEntry, now: datetime) -> bool:
    return now < correctable_until(entry)


def correct_entry(
    entry: HomeworkEntry,
    *,
    answers: list[dict],
    done_on: date,
    helpful: int,
    difficulty: int,
    now: datetime,
) -> list[str]:
    """Put the writer's correction in the entry, keeping the text it replaces.

    Returns the names of what changed (nothing: no revision is made, so a
    correction sent twice is one correction). The caller has checked that the
    entry is its writer's and still :func:`correctable`.
    """
    new = entry_columns(answers=answers, done_on=done_on, helpful=helpful, difficulty=difficulty)
    del new["shared"]  # a correction never changes who may read the entry
    changed = [name for name, value in new.items() if getattr(entry, name) != value]
    if not changed:
        return []
    db.session.add(
        EntryRevision(
            entry=entry,
            answers=entry.answers,
            done_on=entry.done_on,
            helpful=entry.helpful,
            difficulty=entry.difficulty,
            written_at=entry.edited_at or entry.created_at,
            replaced_at=now,
        )
    )
    for name, value in new.items():
        setattr(entry, name, value)
    entry.edited_at = now
    return changed


@dataclass
class KeepingUp:
    """One person's (or the couple's) keeping up with one assignment.

    (Not the case's progress over its sessions: that is ``practice.progress.data.Progress``.)
    """

    who: str  # a partner's first name, or "Together"
    partner: Partner | None
    adherence: Adherence


def people_for(assignment: Assignment, case: Case) -> list[Partner | None]:
    """Whose entries are counted separately: each named partner, or None for the couple."""
    if assignment.for_whom is ForWhom.TOGETHER:
        return [None]
    if assignment.for_whom is ForWhom.EACH:
        return list(case.partners)
    partner = case.partner(assignment.for_whom.value)
    return [partner] if partner else []


def entry_days(case: Case, reader: Partner | None = None) -> dict[tuple[int, int], list[date]]:
    """{(assignment id, partner id): [days done]} for a whole case, in one query.

    For a ``reader`` (a partner in the portal), only the entries they may read count:
    the other partner's private entry on homework done together leaves the reader's
    tally as it was.
    """
    query = sa.select(HomeworkEntry.assignment_id, HomeworkEntry.partner_id, HomeworkEntry.done_on)
    query = query.where(
        audience.readable_entry(reader) if reader else HomeworkEntry.case_id == case.id
    )
    rows = db.session.execute(query)
    days: dict[tuple[int, int], list[date]] = defaultdict(list)
    for assignment_id, partner_id, done_on in rows:
        days[(assignment_id, partner_id)].append(done_on)
    return days


def schedule_kept(assignment: Assignment) -> HomeworkSchedule:
    """What the assignment asked for: to its due date, or to the day, in the practice's time
    zone, it was withdrawn (entries expected after that are not owed)."""
    schedule = assignment.schedule
    if assignment.withdrawn_at is not None:
        schedule = schedule.ended_by(local(assignment.withdrawn_at).date())
    return schedule


def progress_for(assignment: Assignment, case: Case, days, today: date) -> list[KeepingUp]:
    """Adherence of each person the assignment is for, as of ``today``."""
    schedule = schedule_kept(assignment)
    result = []
    for partner in people_for(assignment, case):
        if partner is None:
            made = {d for p in case.partners for d in days.get((assignment.id, p.id), [])}
            who = "Together"
        else:
            made = days.get((assignment.id, partner.id), [])
            who = partner.first_name
        result.append(KeepingUp(who, partner, schedule.adherence(made, today)))
    return result


def case_assignments(case: Case, *, include_withdrawn: bool = True) -> list[Assignment]:
    query = (
        sa.select(Assignment)
        .where(Assignment.case_id == case.id)
        .options(joinedload(Assignment.exercise).joinedload(ExerciseVersion.exercise))
        .order_by(Assignment.status, Assignment.starts_on.desc(), Assignment.id.desc())
    )
    if not include_withdrawn:
        query = query.where(Assignment.status == AssignmentStatus.ACTIVE)
    return list(db.session.scalars(query))


def set_aside_now(assignments: list[Assignment]) -> list[Assignment]:
    """Those of a case's ``assignments`` that are active and set aside from the partners'
    portals while a pause stands (``audience.set_aside``), for the counsellor to see."""
    return [a for a in assignments if a.is_active and audience.set_aside(a)]
