"""The strategy catalogue in the database: strategies, exercises and their versions.

A ``Strategy`` or ``Exercise`` row is the entry as it stands now; each change
to its content adds a ``...Version`` snapshot. Assignments point at the
``ExerciseVersion`` they were given, so a catalogue update never changes
homework a couple already has. Entries removed from the data files are
retired (hidden from browsing), never deleted.
"""

import enum
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, WriteOnlyMapped, mapped_column, relationship

from practice.auth.models import User
from practice.columns import intpk, timestamp, user_fk
from practice.database import enum_type
from practice.extensions import db
from practice.vocabulary import CADENCES, CONCERNS, EFT_STAGES, EXERCISE_WHO, THEMES


class Origin(enum.StrEnum):
    CATALOGUE = "catalogue"  # from the data files in practice/catalogue/data
    PRACTICE = "practice"  # written by one of the practice's counsellors


class Strategy(db.Model):
    """A catalogue entry: one way of helping a couple, with its exercises."""

    __tablename__ = "strategies"

    id: Mapped[intpk]
    slug: Mapped[str] = mapped_column(sa.String(80), unique=True)
    theme: Mapped[str] = mapped_column(sa.String(40), index=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    summary: Mapped[str] = mapped_column(sa.Text)
    why: Mapped[str] = mapped_column(sa.Text)
    steps: Mapped[list[str]] = mapped_column(sa.JSON)
    pitfalls: Mapped[list[str]] = mapped_column(sa.JSON)
    # {guide key: [section, ...]}, as in the data files.
    sources: Mapped[dict[str, list[str]]] = mapped_column(sa.JSON)
    eft_stage: Mapped[int] = mapped_column(index=True)
    blocks: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    version: Mapped[int] = mapped_column(default=1)
    content_hash: Mapped[str] = mapped_column(sa.String(64))
    updated_at: Mapped[timestamp]
    retired_at: Mapped[datetime | None]

    concern_links: Mapped[list["StrategyConcern"]] = relationship(
        cascade="all, delete-orphan", order_by="StrategyConcern.concern"
    )
    exercises: Mapped[list["Exercise"]] = relationship(
        back_populates="strategy", order_by="Exercise.position"
    )
    versions: WriteOnlyMapped["StrategyVersion"] = relationship(order_by="StrategyVersion.version")

    def __repr__(self) -> str:
        return f"<Strategy {self.slug} v{self.version}>"

    @property
    def concerns(self) -> list[str]:
        return [link.concern for link in self.concern_links]

    @property
    def theme_label(self) -> str:
        return THEMES.get(self.theme, self.theme)

    @property
    def stage_label(self) -> str:
        return f"Stage {self.eft_stage}: {EFT_STAGES[self.eft_stage]}"

    @property
    def concern_labels(self) -> list[str]:
        return [CONCERNS[c] for c in self.concerns if c in CONCERNS]

    @property
    def live_exercises(self) -> list["Exercise"]:
        return [ex for ex in self.exercises if ex.retired_at is None]


class StrategyConcern(db.Model):
    """That a strategy addresses a presenting concern (for filtering)."""

    __tablename__ = "strategy_concerns"

    strategy_id: Mapped[int] = mapped_column(sa.ForeignKey("strategies.id"), primary_key=True)
    concern: Mapped[str] = mapped_column(sa.String(40), primary_key=True, index=True)


class StrategyVersion(db.Model):
    """A strategy as it read at one version; never changed once written."""

    __tablename__ = "strategy_versions"
    __table_args__ = (sa.UniqueConstraint("strategy_id", "version"),)

    id: Mapped[intpk]
    strategy_id: Mapped[int] = mapped_column(sa.ForeignKey("strategies.id"))
    version: Mapped[int]
    content: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    content_hash: Mapped[str] = mapped_column(sa.String(64))
    created_at: Mapped[timestamp]


class ExerciseContent:
    """What an exercise says: shared by the exercise and each of its versions."""

    title: Mapped[str] = mapped_column(sa.String(200))
    instructions: Mapped[str] = mapped_column(sa.Text)
    who: Mapped[str] = mapped_column(sa.String(20))
    cadence: Mapped[str] = mapped_column(sa.String(20))
    per_week: Mapped[int | None]
    minutes: Mapped[int]
    prompts: Mapped[list[str]] = mapped_column(sa.JSON)
    # Whether it asks a partner to involve the other: tell, ask, agree or arrange
    # something with them, do something with or for them, or show them something.
    with_partner: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    content_hash: Mapped[str] = mapped_column(sa.String(64))

    @property
    def together(self) -> bool:
        return self.who == "together"

    @property
    def involves_partner(self) -> bool:
        """Whether doing it involves the other partner: done together, or flagged so."""
        return self.together or self.with_partner

    @property
    def for_one_partner(self) -> bool:
        """Written for one partner only: given to partner A or B, never to both."""
        return self.who == "one"

    @property
    def who_label(self) -> str:
        return EXERCISE_WHO.get(self.who, self.who)

    @property
    def cadence_label(self) -> str:
        return cadence_label(self.cadence, self.per_week)


def cadence_label(cadence: str, per_week: int | None) -> str:
    """How often, in words: "Daily", "3 times a week"."""
    if cadence == "n-per-week":
        return f"{per_week} times a week"
    return CADENCES.get(cadence, cadence)


class Exercise(ExerciseContent, db.Model):
    """A homework template: what a partner or the couple does, and what they answer."""

    __tablename__ = "exercises"

    id: Mapped[intpk]
    slug: Mapped[str] = mapped_column(sa.String(100), unique=True)
    origin: Mapped[Origin] = mapped_column(enum_type(Origin, "origin"))
    strategy_id: Mapped[int] = mapped_column(sa.ForeignKey("strategies.id"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    version: Mapped[int] = mapped_column(default=1)
    # Practice exercises: who wrote it, and the catalogue exercise it was adapted from.
    author_id: Mapped[user_fk | None]
    based_on_id: Mapped[int | None] = mapped_column(sa.ForeignKey("exercises.id"))
    updated_at: Mapped[timestamp]
    retired_at: Mapped[datetime | None]

    strategy: Mapped[Strategy] = relationship(back_populates="exercises")
    author: Mapped[User | None] = relationship()
    based_on: Mapped["Exercise | None"] = relationship(remote_side="Exercise.id")
    current_version: Mapped["ExerciseVersion"] = relationship(
        primaryjoin="and_(ExerciseVersion.exercise_id == Exercise.id, "
        "ExerciseVersion.version == Exercise.version)",
        viewonly=True,
        uselist=False,
    )

    def __repr__(self) -> str:
        return f"<Exercise {self.slug} v{self.version}>"

    @property
    def is_practice_own(self) -> bool:
        return self.origin is Origin.PRACTICE


class ExerciseVersion(ExerciseContent, db.Model):
    """An exercise as it read at one version: what an assignment was given."""

    __tablename__ = "exercise_versions"
    __table_args__ = (sa.UniqueConstraint("exercise_id", "version"),)

    id: Mapped[intpk]
    exercise_id: Mapped[int] = mapped_column(sa.ForeignKey("exercises.id"))
    version: Mapped[int]
    created_at: Mapped[timestamp]

    exercise: Mapped[Exercise] = relationship()


class SearchTerm(db.Model):
    """One word of the catalogue's search index (see ``practice.catalogue.search``)."""

    __tablename__ = "catalogue_search_terms"
    __table_args__ = (sa.Index("ix_catalogue_search_terms_term", "term", "strategy_id"),)

    id: Mapped[intpk]
    term: Mapped[str] = mapped_column(sa.String(40))
    strategy_id: Mapped[int] = mapped_column(sa.ForeignKey("strategies.id"), index=True)
    exercise_id: Mapped[int | None] = mapped_column(sa.ForeignKey("exercises.id"), index=True)
    weight: Mapped[int]
