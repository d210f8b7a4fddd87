"""“I don't feel safe”: a partner tells their counsellor privately, from the portal.

The alert goes to the top of the counsellor's dashboard and by email (with no
clinical content: only that a client asked to be contacted), and holds the
couple's work together on the counsellor's side — no new work together, a joint
session needs a reason, no report shared with the couple — until the counsellor
has seen it and decided. Nothing changes in what either partner sees: the other
partner must not learn that it was sent.
"""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from practice.cases.models import Case, Partner
from practice.crypto import EncryptedText
from practice.database import now_utc
from practice.extensions import db


class SafetyAlert(db.Model):
    """A partner's private word to their counsellor that they do not feel safe."""

    __tablename__ = "safety_alerts"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"), index=True)
    partner_id: Mapped[int] = mapped_column(sa.ForeignKey("partners.id"))
    created_at: Mapped[datetime] = mapped_column(default=now_utc)
    resolved_at: Mapped[datetime | None]
    resolved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    # What the counsellor did about it (counsellor-only).
    resolution: Mapped[str | None] = mapped_column(EncryptedText)

    case: Mapped[Case] = relationship()
    partner: Mapped[Partner] = relationship()


def open_alert(case: Case) -> SafetyAlert | None:
    """The case's newest alert the counsellor has not yet dealt with."""
    return case.open_alerts[0] if case.open_alerts else None


def resolve(alert: SafetyAlert, by, what_was_done: str) -> None:
    """The counsellor has seen to the alert; what they did is kept with it."""
    alert.resolved_at, alert.resolved_by_id, alert.resolution = now_utc(), by.id, what_was_done
    db.session.expire(alert.case, ["open_alerts"])
