"""Measures and markers of change: check-ins, the negative cycle, the five-session review."""

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from practice.auth.models import User
from practice.cases.models import Case, Partner
from practice.crypto import EncryptedText
from practice.database import enum_type, now_utc
from practice.extensions import db
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

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"))
    partner_id: Mapped[int] = mapped_column(sa.ForeignKey("partners.id"), index=True)
    completed_at: Mapped[datetime] = mapped_column(default=now_utc)
    csi_happiness: Mapped[int]
    csi_warm: Mapped[int]
    csi_rewarding: Mapped[int]
    csi_satisfied: Mapped[int]
    csi_total: Mapped[int]
    # {building block: 0-10}, as the partner rates the relationship.
    blocks: Mapped[dict[str, int]] = mapped_column(sa.JSON, default=dict)
    # Who typed it in: the partner in the portal, or the counsellor in session.
    entered_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    form_token: Mapped[str | None] = mapped_column(sa.String(64), unique=True)

    partner: Mapped[Partner] = relationship()
    entered_by: Mapped[User] = relationship()

    @property
    def answers(self) -> tuple[int, int, int, int]:
        return (self.csi_happiness, self.csi_warm, self.csi_rewarding, self.csi_satisfied)


class NegativeCycle(db.Model):
    """The couple's negative interaction cycle as the counsellor describes it."""

    __tablename__ = "negative_cycles"

    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"), primary_key=True)
    position_a: Mapped[str] = mapped_column(sa.String(40), default="")
    position_b: Mapped[str] = mapped_column(sa.String(40), default="")
    description: Mapped[str] = mapped_column(EncryptedText, default="")
    updated_at: Mapped[datetime] = mapped_column(default=now_utc)

    case: Mapped[Case] = relationship()


class Marker(Labelled):
    DE_ESCALATION = "de-escalation", "De-escalation of the cycle"
    WITHDRAWER_REENGAGEMENT = "withdrawer-re-engagement", "Withdrawer re-engagement"
    BLAMER_SOFTENING = "blamer-softening", "Blamer softening"


MARKERS = Marker.labels()


class ChangeMarker(db.Model):
    """An EFT marker of change and the session it was first seen in."""

    __tablename__ = "change_markers"
    __table_args__ = (sa.UniqueConstraint("case_id", "marker"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"))
    marker: Mapped[Marker] = mapped_column(enum_type(Marker, "marker", length=40))
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("sessions.id"))
    note: Mapped[str] = mapped_column(EncryptedText, default="")

    session: Mapped[Session] = relationship()

    @property
    def label(self) -> str:
        return MARKERS[self.marker]


class Review(db.Model):
    """The review at the fifth attended session: baseline against now, and what next."""

    __tablename__ = "reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"), unique=True)
    reviewed_on: Mapped[date]
    summary: Mapped[str] = mapped_column(EncryptedText)
    reviewed_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=now_utc)

    reviewed_by: Mapped[User] = relationship()
