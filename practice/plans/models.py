"""A case's treatment plan: its versions, the addenda to signed ones, and its reviews.

A plan is written as a draft and signed by the counsellor like a note: once
signed, a version is locked for good (signer, time, and a hash of what was
signed). A revision is a new version; the current plan is the latest signed
one, and every earlier version is kept. Corrections to a signed version are
:class:`PlanAddendum` rows, and each :class:`PlanReview` is recorded as written.
The lock is kept three times over: the views never offer a change, the ORM
listeners below refuse one, and database triggers (``practice/plans/locks.py``)
refuse it in SQL.
"""

from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from practice.auth.models import User
from practice.columns import case_fk, intpk, timestamp, user_fk
from practice.crypto import EncryptedJSON, EncryptedText
from practice.database import enum_type
from practice.extensions import db
from practice.locks import FixedRecordError, refuse_changes
from practice.plans.content import PlanContent
from practice.signing import (
    AddendumColumns,
    SignedAsWritten,
    SignedDraft,
    content_digest,
    utc_text,
)
from practice.vocabulary import Labelled


class SignedPlanError(FixedRecordError):
    """A signed plan, an addendum to one, or a review was about to be changed."""


class TreatmentPlan(SignedDraft, db.Model):
    """One version of a case's treatment plan; a draft until signed, then locked."""

    __tablename__ = "treatment_plans"
    __table_args__ = (sa.UniqueConstraint("case_id", "version"),)

    id: Mapped[intpk]
    case_id: Mapped[case_fk] = mapped_column(index=True)
    version: Mapped[int]
    # PlanContent.to_json(), encrypted at rest like note bodies.
    content: Mapped[dict[str, Any]] = mapped_column(EncryptedJSON)
    # When the counsellor means to review this version (a review may set the next date).
    review_by: Mapped[date | None]
    written_by_id: Mapped[user_fk]
    created_at: Mapped[timestamp]
    updated_at: Mapped[timestamp]

    written_by: Mapped[User] = relationship(foreign_keys="TreatmentPlan.written_by_id")

    def __repr__(self) -> str:
        return f"<TreatmentPlan {self.id} v{self.version} of case {self.case_id}>"

    @property
    def plan(self) -> PlanContent:
        return PlanContent.from_json(self.content)

    def compute_hash(self) -> str:
        """SHA-256 of what was signed: the content, the review date, version, signer and time."""
        return content_digest(
            {
                "plan": self.id,
                "case": self.case_id,
                "version": self.version,
                "content": self.content,
                "review_by": self.review_by.isoformat() if self.review_by else None,
                "signed_by": self.signed_by_id,
                "signed_at": utc_text(self.signed_at),
            }
        )


class PlanAddendum(AddendumColumns, db.Model):
    """A correction or addition to a signed plan version, signed and time-stamped as written."""

    __tablename__ = "treatment_plan_addenda"

    id: Mapped[intpk]
    plan_id: Mapped[int] = mapped_column(sa.ForeignKey("treatment_plans.id"), index=True)

    def compute_hash(self) -> str:
        return content_digest(
            {
                "addendum_to_plan": self.plan_id,
                "body": self.body,
                "signed_by": self.signed_by_id,
                "signed_at": utc_text(self.signed_at),
            }
        )


class Decision(Labelled):
    CONTINUE = "continue", "Continue with the plan as it is"
    REVISE = "revise", "Revise the plan"


class PlanReview(SignedAsWritten, db.Model):
    """A review of a signed plan version: what was found for each objective, and what next.

    ``findings`` keeps, for each objective of the version in its order, the objective
    as it read, where it stood on the day and the counsellor's words on it, so the
    review reads the same however the plan is revised afterwards.
    """

    __tablename__ = "treatment_plan_reviews"

    id: Mapped[intpk]
    plan_id: Mapped[int] = mapped_column(sa.ForeignKey("treatment_plans.id"), index=True)
    case_id: Mapped[case_fk]
    reviewed_on: Mapped[date]
    # Held as (or with) the review at the fifth attended session.
    five_session: Mapped[bool] = mapped_column(default=False)
    # [{"goal", "objective", "whose", "status", "finding"}], encrypted.
    findings: Mapped[list[dict[str, Any]]] = mapped_column(EncryptedJSON)
    decision: Mapped[Decision] = mapped_column(enum_type(Decision, "plan_decision"))
    summary: Mapped[str] = mapped_column(EncryptedText, default="")
    next_review_on: Mapped[date | None]
    reviewed_by_id: Mapped[user_fk]

    plan: Mapped[TreatmentPlan] = relationship()
    reviewed_by: Mapped[User] = relationship()

    @property
    def decision_label(self) -> str:
        return self.decision.label

    def compute_hash(self) -> str:
        return content_digest(
            {
                "review_of_plan": self.plan_id,
                "reviewed_on": self.reviewed_on.isoformat(),
                "five_session": self.five_session,
                "findings": self.findings,
                "decision": Decision(self.decision).value,
                "summary": self.summary,
                "next_review_on": self.next_review_on.isoformat() if self.next_review_on else None,
                "signed_by": self.reviewed_by_id,
                "signed_at": utc_text(self.signed_at),
            }
        )


# Once signed in the database, a plan version takes no change at all, and is kept.
refuse_changes(
    TreatmentPlan,
    once="signed_at",
    words="this plan is signed and cannot be changed or deleted; add an addendum",
    error=SignedPlanError,
)
for _written in (PlanAddendum, PlanReview):
    refuse_changes(
        _written,
        words="addenda and reviews are kept as written and cannot be changed",
        error=SignedPlanError,
    )
