"""A partner's private safety screen, as taken: by whom, when, and the answers (encrypted)."""

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from practice.cases.models import Partner
from practice.crypto import EncryptedJSON, EncryptedText
from practice.database import enum_type, now_utc
from practice.extensions import db
from practice.screening.items import ANSWERS, ITEMS, flagged


class TakenBy(enum.StrEnum):
    COUNSELLOR = "counsellor"  # asked in an individual session
    CLIENT = "client"  # answered alone in the portal


class PartnerScreen(db.Model):
    """One partner's answers to the safety screen. Counsellor-only, always."""

    __tablename__ = "partner_screens"
    __table_args__ = (sa.Index("ix_partner_screens_case_taken", "case_id", "taken_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"))
    partner_id: Mapped[int] = mapped_column(sa.ForeignKey("partners.id"), index=True)
    taken_on: Mapped[date]
    taken_by: Mapped[TakenBy] = mapped_column(enum_type(TakenBy, "taken_by"))
    # {item key: "yes" | "no" | "unsure" | "skipped"}, encrypted at rest.
    answers: Mapped[dict[str, str]] = mapped_column(EncryptedJSON)
    note: Mapped[str] = mapped_column(EncryptedText, default="")
    entered_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=now_utc)
    form_token: Mapped[str | None] = mapped_column(sa.String(64), unique=True)

    partner: Mapped[Partner] = relationship()

    @property
    def flags(self):
        return flagged(self.answers)

    def rows(self):
        """(heading, answer label) for each question, in order."""
        return [(i.heading, ANSWERS.get(self.answers.get(i.key, ""), "Not asked")) for i in ITEMS]
