"""Loading the data files into the database: ``flask --app wsgi catalogue load``.

Idempotent and versioned. An entry is compared with what is stored by a hash of
its content: unchanged entries are left alone, changed ones get their next
version (with a snapshot, so assignments made from an earlier version keep
their text), new ones are added, and catalogue entries no longer in the files
are retired. The whole load is one transaction: a malformed file stops it
before anything is written.
"""

import hashlib
import json
from dataclasses import asdict, dataclass

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from practice.catalogue import search
from practice.catalogue.models import (
    Exercise,
    ExerciseVersion,
    Origin,
    Strategy,
    StrategyConcern,
    StrategyVersion,
)
from practice.catalogue.schema import DATA_DIR, ExerciseData, StrategyData, read_catalogue
from practice.database import now_utc
from practice.extensions import db

STRATEGY_CONTENT = (
    "theme",
    "title",
    "summary",
    "why",
    "steps",
    "pitfalls",
    "sources",
    "eft_stage",
    "concerns",
    "blocks",
)
EXERCISE_CONTENT = (
    "title",
    "instructions",
    "who",
    "cadence",
    "per_week",
    "minutes",
    "prompts",
    "with_partner",
)


def content_hash(content: dict) -> str:
    """The hash versions are told apart by.

    ``with_partner`` counts only when set: an exercise that does not involve the
    partner hashes as it did before the attribute existed, so adding it gave new
    versions only to the exercises that were flagged.
    """
    if content.get("with_partner") is False:
        content = {key: value for key, value in content.items() if key != "with_partner"}
    return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()


def strategy_content(data: StrategyData) -> dict:
    raw = asdict(data)
    content = {key: raw[key] for key in STRATEGY_CONTENT}
    content["steps"] = list(data.steps)
    content["pitfalls"] = list(data.pitfalls)
    content["concerns"] = list(data.concerns)
    content["blocks"] = list(data.blocks)
    content["sources"] = {k: list(v) for k, v in data.sources.items()}
    return content


def exercise_content(data: ExerciseData) -> dict:
    content = {key: getattr(data, key) for key in EXERCISE_CONTENT}
    content["prompts"] = list(data.prompts)
    return content


@dataclass
class LoadReport:
    added: int = 0
    changed: int = 0
    retired: int = 0
    unchanged: int = 0
    exercises_added: int = 0
    exercises_changed: int = 0
    exercises_retired: int = 0
    exercises_unchanged: int = 0

    @property
    def touched(self) -> bool:
        return bool(
            self.added
            or self.changed
            or self.retired
            or self.exercises_added
            or self.exercises_changed
            or self.exercises_retired
        )

    def __str__(self) -> str:
        return (
            f"strategies: {self.added} added, {self.changed} changed, {self.retired} retired, "
            f"{self.unchanged} unchanged; exercises: {self.exercises_added} added, "
            f"{self.exercises_changed} changed, {self.exercises_retired} retired, "
            f"{self.exercises_unchanged} unchanged"
        )


def snapshot_exercise(exercise: Exercise) -> ExerciseVersion:
    """Record the exercise's current content as its current version."""
    version = ExerciseVersion(
        exercise_id=exercise.id,
        version=exercise.version,
        content_hash=exercise.content_hash,
        **{key: getattr(exercise, key) for key in EXERCISE_CONTENT},
    )
    db.session.add(version)
    return version


def _apply_strategy(strategy: Strategy, content: dict, digest: str) -> None:
    for key in STRATEGY_CONTENT:
        if key != "concerns":
            setattr(strategy, key, content[key])
    strategy.concern_links = [StrategyConcern(concern=c) for c in content["concerns"]]
    strategy.content_hash = digest
    strategy.updated_at = now_utc()
    strategy.retired_at = None


def _load_strategy(
    data: StrategyData, existing: Strategy | None, report: LoadReport
) -> tuple[Strategy, bool]:
    """Add or update one strategy; say whether anything about it changed."""
    content = strategy_content(data)
    digest = content_hash(content)
    if existing is None:
        strategy = Strategy(slug=data.slug, version=1)
        _apply_strategy(strategy, content, digest)
        db.session.add(strategy)
        report.added += 1
        new_version = True
    elif existing.content_hash != digest or existing.retired_at is not None:
        strategy = existing
        new_version = strategy.content_hash != digest
        if new_version:
            strategy.version += 1
        _apply_strategy(strategy, content, digest)
        report.changed += 1
    else:
        report.unchanged += 1
        return existing, False
    db.session.flush()
    if new_version:
        db.session.add(
            StrategyVersion(
                strategy_id=strategy.id,
                version=strategy.version,
                content=content,
                content_hash=digest,
            )
        )
    return strategy, True


def _load_exercise(
    strategy: Strategy,
    position: int,
    data: ExerciseData,
    existing: Exercise | None,
    report: LoadReport,
) -> bool:
    content = exercise_content(data)
    digest = content_hash(content)
    exercise = existing
    if exercise is None:
        exercise = Exercise(slug=data.slug, origin=Origin.CATALOGUE, version=1, **content)
        report.exercises_added += 1
    elif exercise.content_hash != digest:
        exercise.version += 1
        for key, value in content.items():
            setattr(exercise, key, value)
        report.exercises_changed += 1
    else:
        moved = (
            exercise.strategy_id != strategy.id
            or exercise.position != position
            or exercise.retired_at is not None
        )
        exercise.strategy, exercise.position, exercise.retired_at = strategy, position, None
        report.exercises_unchanged += 1
        return moved
    exercise.strategy = strategy
    exercise.position = position
    exercise.content_hash = digest
    exercise.retired_at = None
    exercise.updated_at = now_utc()
    db.session.add(exercise)
    db.session.flush()
    snapshot_exercise(exercise)
    return True


def load_catalogue(data_dir=DATA_DIR) -> LoadReport:
    """Bring the database in line with the data files; the caller commits."""
    catalogue = read_catalogue(data_dir)  # raises CatalogueError before any write
    report = LoadReport()
    strategies = {
        s.slug: s
        for s in db.session.scalars(
            sa.select(Strategy).options(
                selectinload(Strategy.exercises), selectinload(Strategy.concern_links)
            )
        )
    }
    exercises = {
        e.slug: e
        for e in db.session.scalars(sa.select(Exercise).where(Exercise.origin == Origin.CATALOGUE))
    }
    touched: set[Strategy] = set()
    for data in catalogue.strategies:
        strategy, changed = _load_strategy(data, strategies.get(data.slug), report)
        if changed:
            touched.add(strategy)
        for position, ex in enumerate(data.exercises):
            if _load_exercise(strategy, position, ex, exercises.get(ex.slug), report):
                touched.add(strategy)
    slugs = {s.slug for s in catalogue.strategies}
    exercise_slugs = {ex.slug for s in catalogue.strategies for ex in s.exercises}
    now = now_utc()
    for slug, exercise in exercises.items():
        if slug not in exercise_slugs and exercise.retired_at is None:
            exercise.retired_at = now
            report.exercises_retired += 1
            touched.add(exercise.strategy)
    for slug, strategy in strategies.items():
        if slug not in slugs and strategy.retired_at is None:
            strategy.retired_at = now
            report.retired += 1
            touched.add(strategy)
    db.session.flush()
    for strategy in touched:
        db.session.refresh(strategy, ["exercises", "concern_links"])
    # The whole index, not only what changed: a few thousand rows, and an index
    # built by an earlier analyser (before US/UK spellings were one word) is
    # brought up to date by the next load.
    search.reindex({*strategies.values(), *touched})
    return report
