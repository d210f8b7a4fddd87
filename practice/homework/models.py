"""Homework: exercises given to a case, and the entries partners make."""

import enum
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from practice.auth.models import User
from practice.cases.models import Case, Partner
from practice.catalogue.models import ExerciseVersion, cadence_label
from practice.columns import case_fk, intpk, partner_fk, timestamp, unique_token, user_fk
from practice.crypto import EncryptedJSON, EncryptedText
from practice.database import enum_type
from practice.extensions import db
from practice.homework.adherence import HomeworkSchedule


class ForWhom(enum.StrEnum):
    A = "a"  # partner A alone
    B = "b"  # partner B alone
    EACH = "each"  # each partner, separately
    TOGETHER = "together"  # the couple, together


class AssignmentStatus(enum.StrEnum):
    ACTIVE = "active"
    WITHDRAWN = "withdrawn"


class Assignment(db.Model):
    """An exercise given to a case, at the version it was given, with the counsellor's words."""

    __tablename__ = "assignments"
    __table_args__ = (sa.Index("ix_assignments_case_status", "case_id", "status"),)

    id: Mapped[intpk]
    case_id: Mapped[case_fk]
    exercise_version_id: Mapped[int] = mapped_column(sa.ForeignKey("exercise_versions.id"))
    for_whom: Mapped[ForWhom] = mapped_column(enum_type(ForWhom, "for_whom"))
    cadence: Mapped[str] = mapped_column(sa.String(20))
    per_week: Mapped[int | None]
    starts_on: Mapped[date]
    due_on: Mapped[date | None]
    counsellor_note: Mapped[str] = mapped_column(EncryptedText, default="")
    status: Mapped[AssignmentStatus] = mapped_column(
        enum_type(AssignmentStatus, "assignment_status"), default=AssignmentStatus.ACTIVE
    )
    created_by_id: Mapped[user_fk]
    created_at: Mapped[timestamp]
    updated_at: Mapped[timestamp]
    withdrawn_at: Mapped[datetime | None]
    form_token: Mapped[unique_token | None]
    # The session it was given at, if any: that session's handouts list it.
    session_id: Mapped[int | None] = mapped_column(sa.ForeignKey("sessions.id"), index=True)

    case: Mapped[Case] = relationship()
    exercise: Mapped[ExerciseVersion] = relationship()
    created_by: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"<Assignment {self.id} {self.for_whom.value} case {self.case_id}>"

    @property
    def is_active(self) -> bool:
        return self.status is AssignmentStatus.ACTIVE

    @property
    def cadence_label(self) -> str:
        return cadence_label(self.cadence, self.per_week)

    @property
    def schedule(self) -> HomeworkSchedule:
        """Its cadence from the day it starts to its due date (see ``HomeworkSchedule.ended_by``
        for homework withdrawn before then)."""
        return HomeworkSchedule(self.cadence, self.per_week, self.starts_on, self.due_on)

    @property
    def involves_partner(self) -> bool:
        """Whether doing it involves the other partner: given to do together, or an exercise
        done together or asking them to involve their partner.

        The flag is read on the version given and on the exercise as it is now: homework
        given before its exercise was flagged follows the flag, since setting aside too
        much while a pause stands is the safer mistake (see practice.audience).
        """
        return (
            self.for_whom is ForWhom.TOGETHER
            or self.exercise.involves_partner
            or self.exercise.exercise.involves_partner
        )

    def for_label(self, case: Case | None = None) -> str:
        case = case or self.case
        if self.for_whom in (ForWhom.A, ForWhom.B):
            partner = case.partner(self.for_whom.value)
            return partner.first_name if partner else f"Partner {self.for_whom.value.upper()}"
        return "Each partner" if self.for_whom is ForWhom.EACH else "Together"


class HomeworkEntry(db.Model):
    """A partner's record of doing an assignment: answers, ratings, and whether it is shared."""

    __tablename__ = "homework_entries"
    __table_args__ = (
        sa.Index("ix_homework_entries_assignment_done", "assignment_id", "done_on"),
        sa.Index("ix_homework_entries_case_created", "case_id", "created_at"),
        sa.Index("ix_homework_entries_case_done", "case_id", "done_on"),
        sa.CheckConstraint("helpful BETWEEN 1 AND 5", name="helpful_1_5"),
        sa.CheckConstraint("difficulty BETWEEN 1 AND 5", name="difficulty_1_5"),
    )

    id: Mapped[intpk]
    assignment_id: Mapped[int] = mapped_column(sa.ForeignKey("assignments.id"))
    partner_id: Mapped[partner_fk] = mapped_column(index=True)
    # Denormalised from the assignment so a case's entries are one indexed read.
    case_id: Mapped[case_fk]
    done_on: Mapped[date]
    # [{"prompt": ..., "answer": ...}, ...], encrypted at rest.
    answers: Mapped[list[dict[str, Any]]] = mapped_column(EncryptedJSON)
    helpful: Mapped[int]
    difficulty: Mapped[int]
    shared: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[timestamp]
    form_token: Mapped[unique_token | None]
    # When its writer last corrected it (see EntryRevision); None if never.
    edited_at: Mapped[datetime | None]

    assignment: Mapped[Assignment] = relationship()
    partner: Mapped[Partner] = relationship()
    revisions: Mapped[list["EntryRevision"]] = relationship(
        back_populates="entry", order_by="EntryRevision.id"
    )


class EntryRevision(db.Model):
    """What an entry said before its writer corrected it, kept for the counsellor.

    Each correction keeps the text it replaced, encrypted like the entry. The
    counsellor reads them under the entry; the writer's partner never does, even
    of a shared entry (they read its current text only).
    """

    __tablename__ = "homework_entry_revisions"

    id: Mapped[intpk]
    entry_id: Mapped[int] = mapped_column(sa.ForeignKey("homework_entries.id"), index=True)
    answers: Mapped[list[dict[str, Any]]] = mapped_column(EncryptedJSON)
    done_on: Mapped[date]
    helpful: Mapped[int]
    difficulty: Mapped[int]
    # When this text was saved (the entry's first save, or an earlier correction) ...
    written_at: Mapped[datetime]
    # ... and when the writer replaced it.
    replaced_at: Mapped[timestamp]

    entry: Mapped[HomeworkEntry] = relationship(back_populates="revisions")


class EntryDraft(db.Model):
    """What a partner has typed towards an entry and not saved yet: theirs alone.

    One per partner and homework, kept as they type (the portal's autosave) so
    that nothing need stay in the browser of a phone the couple share. Only its
    writer reads it: not the other partner, even on homework they both do, and
    not the counsellor, for whom the entry starts when it is saved. Saving the
    entry deletes the draft.
    """

    __tablename__ = "entry_drafts"
    __table_args__ = (sa.UniqueConstraint("assignment_id", "partner_id"),)

    id: Mapped[intpk]
    assignment_id: Mapped[int] = mapped_column(sa.ForeignKey("assignments.id"))
    partner_id: Mapped[partner_fk] = mapped_column(index=True)
    # [{"prompt": ..., "answer": ...}, ...] as typed, encrypted at rest like an entry's.
    answers: Mapped[list[dict[str, Any]]] = mapped_column(EncryptedJSON)
    done_on: Mapped[date | None]
    helpful: Mapped[int | None]
    difficulty: Mapped[int | None]
    shared: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[timestamp]
