"""A safety plan written for one partner, and referrals of a partner or the couple."""

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from practice.auth.models import User
from practice.cases.models import Case, Partner
from practice.columns import case_fk, intpk, partner_fk, timestamp, unique_token, user_fk
from practice.crypto import EncryptedText
from practice.database import enum_type
from practice.extensions import db
from practice.vocabulary import Labelled

#: The parts of a safety plan, in the partner's own voice, as the plan is printed.
PLAN_PARTS = {
    "warning_signs": "Warning signs",
    "staying_safe": "What I can do to stay safe",
    "people_and_places": "People and places I can go to",
    "other": "Other things to remember",
}


class SafetyPlan(db.Model):
    """One version of the safety plan a counsellor writes for one partner.

    Versions are never changed: saving a plan adds the next one, so what a
    partner was given on a day can always be read again. The latest decides.
    """

    __tablename__ = "safety_plans"
    __table_args__ = (sa.UniqueConstraint("partner_id", "version"),)

    id: Mapped[intpk]
    case_id: Mapped[case_fk] = mapped_column(index=True)
    partner_id: Mapped[partner_fk]
    version: Mapped[int]
    warning_signs: Mapped[str] = mapped_column(EncryptedText, default="")
    staying_safe: Mapped[str] = mapped_column(EncryptedText, default="")
    people_and_places: Mapped[str] = mapped_column(EncryptedText, default="")
    other: Mapped[str] = mapped_column(EncryptedText, default="")
    # Whether the partner reads it in their portal; otherwise it is printed for them only.
    in_portal: Mapped[bool] = mapped_column(default=True)
    written_by_id: Mapped[user_fk]
    written_at: Mapped[timestamp]

    partner: Mapped[Partner] = relationship()
    written_by: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"<SafetyPlan {self.id} v{self.version} of partner {self.partner_id}>"

    def parts(self) -> dict[str, str]:
        return {name: getattr(self, name) or "" for name in PLAN_PARTS}


class ReferralKind(Labelled):
    INDIVIDUAL_THERAPY = "individual-therapy", "Individual therapy"
    DOMESTIC_ABUSE = "domestic-abuse", "Domestic-abuse service"
    ADDICTION = "addiction", "Addiction service"
    OTHER = "other", "Other"


class ReferralStatus(Labelled):
    SUGGESTED = "suggested", "Suggested"
    MADE = "made", "Made"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"


class Referral(db.Model):
    """A referral of one partner (or the couple) to a service, and the letter that goes with it.

    Counsellor-only until the counsellor marks the letter as given to the client
    it concerns; see ``practice.audience.of_referral``.
    """

    __tablename__ = "referrals"

    id: Mapped[intpk]
    case_id: Mapped[case_fk] = mapped_column(index=True)
    # The partner referred; none: the couple.
    partner_id: Mapped[partner_fk | None]
    kind: Mapped[ReferralKind] = mapped_column(enum_type(ReferralKind, "referral_kind"))
    service: Mapped[str] = mapped_column(EncryptedText)
    service_address: Mapped[str] = mapped_column(EncryptedText, default="")
    reason: Mapped[str] = mapped_column(EncryptedText)
    referred_on: Mapped[date]
    status: Mapped[ReferralStatus] = mapped_column(
        enum_type(ReferralStatus, "referral_status"), default=ReferralStatus.SUGGESTED
    )
    # When the counsellor gave the letter to the client(s) it concerns; None: not given.
    given_at: Mapped[datetime | None]
    created_by_id: Mapped[user_fk]
    created_at: Mapped[timestamp]
    updated_at: Mapped[timestamp]
    form_token: Mapped[unique_token | None]

    case: Mapped[Case] = relationship()
    partner: Mapped[Partner | None] = relationship()
    created_by: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"<Referral {self.id} {self.kind.value} {self.status.value}>"

    @property
    def kind_label(self) -> str:
        return self.kind.label

    @property
    def status_label(self) -> str:
        return self.status.label

    @property
    def given(self) -> bool:
        return self.given_at is not None

    def about(self, case: Case) -> str:
        """Whom the referral concerns: the partner's name, or both partners' names."""
        if self.partner is not None:
            return self.partner.name
        return " and ".join(p.name for p in case.partners)
