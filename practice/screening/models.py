"""A partner's private safety screen, as taken: by whom, when, and the answers (encrypted)."""

import enum
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from practice.cases.models import Partner
from practice.columns import case_fk, intpk, partner_fk, timestamp, unique_token, user_fk
from practice.crypto import EncryptedJSON, EncryptedText
from practice.database import enum_type
from practice.extensions import db
from practice.screening.items import ANSWERS, ITEMS, flagged


class TakenBy(enum.StrEnum):
    COUNSELLOR = "counsellor"  # asked in an individual session
    CLIENT = "client"  # answered alone in the portal


class PartnerScreen(db.Model):
    """One partner's answers to the safety screen. Counsellor-only, always."""

    __tablename__ = "partner_screens"
    __table_args__ = (sa.Index("ix_partner_screens_case_taken", "case_id", "taken_on"),)

    id: Mapped[intpk]
    case_id: Mapped[case_fk]
    partner_id: Mapped[partner_fk] = mapped_column(index=True)
    taken_on: Mapped[date]
    taken_by: Mapped[TakenBy] = mapped_column(enum_type(TakenBy, "taken_by"))
    # {item key: "yes" | "no" | "unsure" | "skipped"}, encrypted at rest.
    answers: Mapped[dict[str, str]] = mapped_column(EncryptedJSON)
    note: Mapped[str] = mapped_column(EncryptedText, default="")
    entered_by_id: Mapped[user_fk]
    created_at: Mapped[timestamp]
    form_token: Mapped[unique_token | None]

    partner: Mapped[Partner] = relationship()

    @property
    def flags(self):
        return flagged(self.answers)

    def rows(self):
        """(heading, answer label) for each question, in order."""
        return [(i.heading, ANSWERS.get(self.answers.get(i.key, ""), "Not asked")) for i in ITEMS]
