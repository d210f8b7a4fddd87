"""What the assign page offers before the counsellor searches, and what a couple already has.

Suggestions come from the case's presenting concerns and the EFT stage it has
reached: a catalogue strategy that addresses one of the concerns, or suits the
stage, lends its exercises, each with the few words that say why. The ranking is
a plain function (:func:`rank`); :func:`suggest` reads what it needs in a fixed
number of queries, however large the catalogue grows.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from practice.cases.models import Case
from practice.catalogue.models import Exercise, ExerciseVersion, Strategy, StrategyConcern
from practice.extensions import db
from practice.homework.models import Assignment, AssignmentStatus
from practice.vocabulary import CONCERNS

#: How many strategies, and exercises from each, the page suggests.
STRATEGIES = 4
EXERCISES_EACH = 2

#: Marks on an exercise the couple has been given: still going, or over.
HAS = "has"
HAD = "had"


@dataclass(frozen=True)
class Candidate:
    """A live strategy as the ranking sees it."""

    strategy_id: int
    title: str
    stage: int
    concerns: frozenset[str]


@dataclass(frozen=True)
class Ranked:
    strategy_id: int
    reasons: tuple[str, ...]  # "for: poor communication", "fits stage 1"


def rank(
    candidates: list[Candidate], concerns: list[str], stage: int, limit: int = STRATEGIES
) -> list[Ranked]:
    """The strategies to suggest, best first, each with why.

    A strategy counts two for each of the case's concerns it addresses and one if
    it suits the case's stage; ties go by title. A strategy that does neither is
    not suggested.
    """
    wanted = list(dict.fromkeys(k for k in concerns if k in CONCERNS))
    scored = []
    for c in candidates:
        # In the case's own order, as its page lists its concerns.
        shared = [k for k in wanted if k in c.concerns]
        fits = c.stage == stage
        if not shared and not fits:
            continue
        reasons = []
        if shared:
            reasons.append("for: " + ", ".join(CONCERNS[k].lower() for k in shared))
        if fits:
            reasons.append(f"fits stage {stage}")
        scored.append((-(2 * len(shared) + fits), c.title, Ranked(c.strategy_id, tuple(reasons))))
    scored.sort(key=lambda row: row[:2])
    return [ranked for _, _, ranked in scored[:limit]]


@dataclass(frozen=True)
class Suggestion:
    strategy: Strategy
    exercise: Exercise
    reasons: tuple[str, ...]


def suggest(case: Case, stage: int) -> list[Suggestion]:
    """Exercises for ``case`` at ``stage``, from the strategies :func:`rank` picks."""
    live = Strategy.retired_at.is_(None)
    links = db.session.execute(
        sa.select(StrategyConcern.strategy_id, StrategyConcern.concern)
        .join(Strategy, Strategy.id == StrategyConcern.strategy_id)
        .where(live, StrategyConcern.concern.in_(case.concerns))
    ).all()
    by_strategy: dict[int, set[str]] = defaultdict(set)
    for strategy_id, concern in links:
        by_strategy[strategy_id].add(concern)
    rows = db.session.execute(
        sa.select(Strategy.id, Strategy.title, Strategy.eft_stage).where(
            live, sa.or_(Strategy.id.in_(list(by_strategy)), Strategy.eft_stage == stage)
        )
    ).all()
    candidates = [
        Candidate(id_, title, eft_stage, frozenset(by_strategy.get(id_, ())))
        for id_, title, eft_stage in rows
    ]
    ranked = rank(candidates, case.concerns, stage)
    if not ranked:
        return []
    strategies = {
        s.id: s
        for s in db.session.scalars(
            sa.select(Strategy).where(Strategy.id.in_([r.strategy_id for r in ranked]))
        )
    }
    exercises: dict[int, list[Exercise]] = defaultdict(list)
    for exercise in db.session.scalars(
        sa.select(Exercise)
        .where(
            Exercise.strategy_id.in_(list(strategies)),
            Exercise.retired_at.is_(None),
            # One person's work is never offered what needs a couple in the room.
            Exercise.who != "together" if len(case.partners) < 2 else sa.true(),
        )
        .order_by(Exercise.position, Exercise.id)
    ):
        exercises[exercise.strategy_id].append(exercise)
    return [
        Suggestion(strategies[r.strategy_id], exercise, r.reasons)
        for r in ranked
        for exercise in exercises[r.strategy_id][:EXERCISES_EACH]
    ]


def given_marks(case: Case, today: date) -> dict[int, str]:
    """{exercise id: HAS or HAD} for every exercise the couple has been given.

    HAS while an assignment of it is active and not past its due date; HAD once
    every assignment of it was withdrawn or has run out.
    """
    rows = db.session.execute(
        sa.select(ExerciseVersion.exercise_id, Assignment.status, Assignment.due_on)
        .join(ExerciseVersion, ExerciseVersion.id == Assignment.exercise_version_id)
        .where(Assignment.case_id == case.id)
    )
    marks: dict[int, str] = {}
    for exercise_id, status, due_on in rows:
        going = status == AssignmentStatus.ACTIVE and (due_on is None or due_on >= today)
        if going or exercise_id not in marks:
            marks[exercise_id] = HAS if going else HAD
    return marks
