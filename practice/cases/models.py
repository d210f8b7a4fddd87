"""Cases (a couple, or one person, in treatment), their partners and safety screenings."""

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from practice.auth.models import User
from practice.columns import case_fk, intpk, partner_fk, timestamp, unique_token, user_fk
from practice.crypto import EncryptedText
from practice.database import enum_type
from practice.extensions import db
from practice.vocabulary import CONCERNS, Labelled


class CaseStatus(Labelled):
    INTAKE = "intake", "Intake"
    ACTIVE = "active", "Active"
    PAUSED = "paused", "Paused"
    CLOSED = "closed", "Closed"


class Case(db.Model):
    """A couple (or one person) in treatment with one counsellor."""

    __tablename__ = "cases"
    __table_args__ = (sa.Index("ix_cases_counsellor_status", "counsellor_id", "status"),)

    id: Mapped[intpk]
    counsellor_id: Mapped[user_fk]
    label: Mapped[str] = mapped_column(sa.String(200))
    status: Mapped[CaseStatus] = mapped_column(
        enum_type(CaseStatus, "case_status"), default=CaseStatus.INTAKE
    )
    start_date: Mapped[date]
    goals: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[timestamp]
    updated_at: Mapped[timestamp]
    closed_at: Mapped[datetime | None]
    # Set once the latest safety screening records concerns; kept in step by
    # practice.cases.services.record_screening so lists need no extra query.
    safety_concerns: Mapped[bool] = mapped_column(default=False)
    screened_on: Mapped[date | None]
    # Whether the couple's work together is paused now (practice.cases.pauses keeps it).
    joint_paused: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # Whether the partners may download the progress report from the portal.
    progress_shared: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # The counsellor's closing words for the partners, printed in the closing summary.
    closing_note: Mapped[str | None] = mapped_column(EncryptedText)
    form_token: Mapped[unique_token | None]

    counsellor: Mapped[User] = relationship()
    partners: Mapped[list["Partner"]] = relationship(
        back_populates="case", order_by="Partner.position", cascade="all, delete-orphan"
    )
    concern_links: Mapped[list["CaseConcern"]] = relationship(
        cascade="all, delete-orphan", order_by="CaseConcern.concern"
    )
    screenings: Mapped[list["SafetyScreening"]] = relationship(
        back_populates="case", order_by="SafetyScreening.id.desc()"
    )
    # A partner's "I don't feel safe" not yet seen to, newest first
    # (practice.screening.alerts.open_alert reads it; loaded once per request).
    open_alerts: Mapped[list["SafetyAlert"]] = relationship(  # noqa: F821
        primaryjoin="and_(SafetyAlert.case_id == Case.id, SafetyAlert.resolved_at.is_(None))",
        order_by="(SafetyAlert.created_at.desc(), SafetyAlert.id.desc())",
        viewonly=True,
    )

    def __repr__(self) -> str:
        return f"<Case {self.id} {self.status.value}>"

    @property
    def case_id(self) -> int:
        """For the audit trail: a case is its own case."""
        return self.id

    @property
    def concerns(self) -> list[str]:
        return [link.concern for link in self.concern_links]

    @property
    def concern_labels(self) -> list[str]:
        return [CONCERNS[c] for c in self.concerns if c in CONCERNS]

    @property
    def status_label(self) -> str:
        return self.status.label

    @property
    def is_couple(self) -> bool:
        return len(self.partners) > 1

    def partner(self, position: str) -> "Partner | None":
        return next((p for p in self.partners if p.position == position), None)


class CaseConcern(db.Model):
    """A presenting concern of a case."""

    __tablename__ = "case_concerns"

    case_id: Mapped[case_fk] = mapped_column(primary_key=True)
    concern: Mapped[str] = mapped_column(sa.String(40), primary_key=True)


class Partner(db.Model):
    """One partner of a case: a client, with a portal login once invited."""

    __tablename__ = "partners"
    __table_args__ = (sa.UniqueConstraint("case_id", "position"),)

    id: Mapped[intpk]
    case_id: Mapped[case_fk] = mapped_column(index=True)
    position: Mapped[str] = mapped_column(sa.String(1))  # "a" or "b"
    name: Mapped[str] = mapped_column(sa.String(120))
    email: Mapped[str | None] = mapped_column(sa.String(254))
    user_id: Mapped[user_fk | None] = mapped_column(unique=True)
    # Whether this partner lets the other see their check-in scores in shared reports.
    shares_scores: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # Printed on the partner's superbills (practice.billing), which insurers ask for.
    date_of_birth: Mapped[date | None]

    case: Mapped[Case] = relationship(back_populates="partners")
    user: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<Partner {self.id} {self.position} of case {self.case_id}>"

    @property
    def letter(self) -> str:
        return self.position.upper()

    @property
    def first_name(self) -> str:
        return first_name(self.name)

    @property
    def has_portal(self) -> bool:
        return self.user_id is not None


class ScreeningOutcome(enum.StrEnum):
    NO_CONCERNS = "no-concerns"
    PAUSED = "concerns-paused"  # concerns: couple work paused
    PLAN = "concerns-plan"  # concerns: couple work continues with a safety plan
    CONCERNS = "concerns"  # recorded before the outcome said what happens; read as paused

    @property
    def concerns(self) -> bool:
        return self is not ScreeningOutcome.NO_CONCERNS


SCREENING_OUTCOMES = {
    ScreeningOutcome.NO_CONCERNS: "No safety concerns identified",
    ScreeningOutcome.PAUSED: "Concerns: couple work paused",
    ScreeningOutcome.PLAN: "Concerns: couple work continues with a safety plan",
}
#: Labels of outcomes no longer offered, for the records that hold them.
FORMER_OUTCOMES = {ScreeningOutcome.CONCERNS: "Safety concerns identified"}


class SafetyScreening(db.Model):
    """A safety screening of a case; the latest one decides what may be assigned."""

    __tablename__ = "safety_screenings"

    id: Mapped[intpk]
    case_id: Mapped[case_fk] = mapped_column(index=True)
    screened_on: Mapped[date]
    outcome: Mapped[ScreeningOutcome] = mapped_column(enum_type(ScreeningOutcome, "outcome"))
    note: Mapped[str] = mapped_column(EncryptedText, default="")
    screened_by_id: Mapped[user_fk]
    created_at: Mapped[timestamp]

    case: Mapped[Case] = relationship(back_populates="screenings")
    screened_by: Mapped[User] = relationship()

    @property
    def outcome_label(self) -> str:
        return (SCREENING_OUTCOMES | FORMER_OUTCOMES)[self.outcome]


class Invitation(db.Model):
    """A one-time link for a partner to set a password and enter the portal."""

    __tablename__ = "invitations"

    id: Mapped[intpk]
    partner_id: Mapped[partner_fk] = mapped_column(index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    # The login the partner will have, fixed when the link is made: whoever holds
    # the link cannot choose another. Empty only on links made before it was kept.
    email: Mapped[str | None] = mapped_column(sa.String(254))
    # The message that carries the link, whose readable copy goes once the link is
    # used or replaced (see practice.mail).
    email_id: Mapped[int | None] = mapped_column(sa.ForeignKey("outbound_emails.id"))
    created_at: Mapped[timestamp]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    created_by_id: Mapped[user_fk]

    partner: Mapped[Partner] = relationship()

    @property
    def case_id(self) -> int:
        return self.partner.case_id


def first_name(name: str) -> str:
    """What a partner is called on the page: the first word of their name."""
    words = name.split()
    return words[0] if words else name
