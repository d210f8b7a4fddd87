"""Measures and markers of change: check-ins and how often they are asked, the negative
cycle, and reviews (the five-session review and any later one), each kept as it stood."""

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from practice.auth.models import User
from practice.cases.models import Case, Partner
from practice.columns import case_fk, intpk, partner_fk, timestamp, unique_token, user_fk
from practice.crypto import EncryptedText
from practice.database import enum_type
from practice.extensions import db
from practice.progress.change import Change
from practice.sessions.models import Session
from practice.vocabulary import Labelled


class CheckIn(db.Model):
    """A partner's CSI-4 and building-block self-ratings, usually just before a session."""

    __tablename__ = "check_ins"
    __table_args__ = (
        sa.Index("ix_check_ins_case_completed", "case_id", "completed_at"),
        sa.CheckConstraint("csi_happiness BETWEEN 0 AND 6", name="csi_happiness_0_6"),
        sa.CheckConstraint("csi_warm BETWEEN 0 AND 5", name="csi_warm_0_5"),
        sa.CheckConstraint("csi_rewarding BETWEEN 0 AND 5", name="csi_rewarding_0_5"),
        sa.CheckConstraint("csi_satisfied BETWEEN 0 AND 5", name="csi_satisfied_0_5"),
        sa.CheckConstraint("csi_total BETWEEN 0 AND 21", name="csi_total_0_21"),
    )

    id: Mapped[intpk]
    case_id: Mapped[case_fk]
    partner_id: Mapped[partner_fk] = mapped_column(index=True)
    completed_at: Mapped[timestamp]
    csi_happiness: Mapped[int]
    csi_warm: Mapped[int]
    csi_rewarding: Mapped[int]
    csi_satisfied: Mapped[int]
    csi_total: Mapped[int]
    # {building block: 0-10}, as the partner rates the relationship.
    blocks: Mapped[dict[str, int]] = mapped_column(sa.JSON, default=dict)
    # Who typed it in: the partner in the portal, or the counsellor in session.
    entered_by_id: Mapped[user_fk]
    form_token: Mapped[unique_token | None]

    partner: Mapped[Partner] = relationship()
    entered_by: Mapped[User] = relationship()

    @property
    def answers(self) -> tuple[int, int, int, int]:
        return (self.csi_happiness, self.csi_warm, self.csi_rewarding, self.csi_satisfied)


class NegativeCycle(db.Model):
    """The couple's negative interaction cycle as the counsellor describes it."""

    __tablename__ = "negative_cycles"

    case_id: Mapped[case_fk] = mapped_column(primary_key=True)
    position_a: Mapped[str] = mapped_column(sa.String(40), default="")
    position_b: Mapped[str] = mapped_column(sa.String(40), default="")
    description: Mapped[str] = mapped_column(EncryptedText, default="")
    updated_at: Mapped[timestamp]

    case: Mapped[Case] = relationship()


class Marker(Labelled):
    DE_ESCALATION = "de-escalation", "De-escalation of the cycle"
    WITHDRAWER_REENGAGEMENT = "withdrawer-re-engagement", "Withdrawer re-engagement"
    BLAMER_SOFTENING = "blamer-softening", "Blamer softening"


class ChangeMarker(db.Model):
    """An EFT marker of change and the session it was first seen in."""

    __tablename__ = "change_markers"
    __table_args__ = (sa.UniqueConstraint("case_id", "marker"),)

    id: Mapped[intpk]
    case_id: Mapped[case_fk]
    marker: Mapped[Marker] = mapped_column(enum_type(Marker, "marker", length=40))
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("sessions.id"))
    note: Mapped[str] = mapped_column(EncryptedText, default="")

    session: Mapped[Session] = relationship()

    @property
    def label(self) -> str:
        return self.marker.label


class Review(db.Model):
    """A review of the case on a date: the measures as they stood that day, and what next.

    The first is the five-session review; a counsellor may hold more, later. The
    figures are kept when the review is written (:class:`ReviewMeasure`, ``blocks``),
    computed from what was recorded up to its date, so a review reads the same
    whatever is recorded after it (see ``practice.progress.reviews``).
    """

    __tablename__ = "reviews"
    __table_args__ = (sa.Index("ix_reviews_case_reviewed", "case_id", "reviewed_on"),)

    id: Mapped[intpk]
    case_id: Mapped[case_fk]
    reviewed_on: Mapped[date]
    summary: Mapped[str] = mapped_column(EncryptedText)
    reviewed_by_id: Mapped[user_fk]
    created_at: Mapped[timestamp]
    # Joint and individual sessions attended up to the review's date.
    joint_sessions: Mapped[int] = mapped_column(default=0, server_default="0")
    individual_sessions: Mapped[int] = mapped_column(default=0, server_default="0")
    # The counsellor's building-block ratings then: {block: [first rating, latest rating]}.
    blocks: Mapped[dict[str, list[int]]] = mapped_column(sa.JSON, default=dict, server_default="{}")
    form_token: Mapped[unique_token | None]

    reviewed_by: Mapped[User] = relationship()
    measures: Mapped[list["ReviewMeasure"]] = relationship(
        back_populates="review", order_by="ReviewMeasure.position", cascade="all, delete-orphan"
    )


class ReviewMeasure(db.Model):
    """One partner's CSI-4 at a review: the first total and the latest up to its date,
    and the class of the change between them, as they stood when it was written."""

    __tablename__ = "review_measures"
    __table_args__ = (sa.UniqueConstraint("review_id", "partner_id"),)

    id: Mapped[intpk]
    review_id: Mapped[int] = mapped_column(sa.ForeignKey("reviews.id"), index=True)
    partner_id: Mapped[partner_fk]
    position: Mapped[str] = mapped_column(sa.String(1))
    baseline: Mapped[int | None]
    baseline_on: Mapped[date | None]
    latest: Mapped[int | None]
    latest_on: Mapped[date | None]
    change: Mapped[Change | None] = mapped_column(enum_type(Change, "reliable_change"))

    review: Mapped[Review] = relationship(back_populates="measures")
    partner: Mapped[Partner] = relationship()

    @property
    def points(self) -> int | None:
        if self.baseline is None or self.latest is None:
            return None
        return self.latest - self.baseline


#: How often check-ins are asked: before every session unless the counsellor says otherwise.
EVERY_SESSION = 1
NOT_SCHEDULED = 0
MOST_SESSIONS_APART = 6


class CheckInSchedule(db.Model):
    """How often a case's partners are asked for a check-in, as its counsellor sets it:
    before every session they come to (``every`` 1, and the same as no row), before
    every Nth, or not at all (0). Each partner counts their own sessions."""

    __tablename__ = "check_in_schedules"
    __table_args__ = (
        sa.CheckConstraint(f"every BETWEEN 0 AND {MOST_SESSIONS_APART}", name="every_0_6"),
    )

    case_id: Mapped[case_fk] = mapped_column(primary_key=True)
    every: Mapped[int] = mapped_column(default=EVERY_SESSION)
    updated_at: Mapped[timestamp]
    updated_by_id: Mapped[user_fk]
