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
from flask import render_template, url_for
from sqlalchemy.orm import Mapped, joinedload, mapped_column, relationship

from practice import mail
from practice.cases.models import Case, Partner
from practice.crypto import EncryptedText
from practice.database import now_utc
from practice.extensions import db
from practice.idempotency import create_once

#: The outbox's name for the email: it says as little as the email does.
MAIL_KIND = "contact-request"


class SafetyAlert(db.Model):
    """A partner's private word to their counsellor that they do not feel safe."""

    __tablename__ = "safety_alerts"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"), index=True)
    partner_id: Mapped[int] = mapped_column(sa.ForeignKey("partners.id"))
    created_at: Mapped[datetime] = mapped_column(default=now_utc)
    # What the partner chose to add, e.g. when it is safe to call (counsellor-only).
    message: Mapped[str | None] = mapped_column(EncryptedText)
    form_token: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    resolved_at: Mapped[datetime | None]
    resolved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    # What the counsellor did about it (counsellor-only).
    resolution: Mapped[str | None] = mapped_column(EncryptedText)

    case: Mapped[Case] = relationship()
    partner: Mapped[Partner] = relationship()


def open_alert(case: Case) -> SafetyAlert | None:
    """The case's newest alert the counsellor has not yet dealt with."""
    return case.open_alerts[0] if case.open_alerts else None


def open_alerts(case: Case) -> list[SafetyAlert]:
    """Every alert of the case not yet dealt with, oldest first (each time a partner asked)."""
    return list(reversed(case.open_alerts))


def open_alerts_of(counsellor) -> list[SafetyAlert]:
    """Alerts waiting for ``counsellor`` across their caseload, newest first; one query."""
    return db.session.scalars(
        sa.select(SafetyAlert)
        .join(Case, Case.id == SafetyAlert.case_id)
        .where(Case.counsellor_id == counsellor.id, SafetyAlert.resolved_at.is_(None))
        .options(joinedload(SafetyAlert.partner), joinedload(SafetyAlert.case))
        .order_by(SafetyAlert.created_at.desc(), SafetyAlert.id.desc())
        .limit(50)
    ).all()


def raise_alert(
    partner: Partner, message: str, form_token: str | None = None
) -> tuple[SafetyAlert, bool]:
    """Record that ``partner`` does not feel safe, and email their counsellor — once: while
    an alert of the case waits, another is kept with its words and sends nothing. The same
    form sent twice makes one alert. Returns the alert and whether this call made it."""
    waiting = open_alert(partner.case) is not None
    alert, created = create_once(
        SafetyAlert,
        form_token,
        lambda: _new_alert(partner, message),
    )
    if created and not waiting:
        tell_counsellor(partner.case.counsellor)
    return alert, created


def _new_alert(partner: Partner, message: str) -> SafetyAlert:
    alert = SafetyAlert(
        case_id=partner.case_id, partner_id=partner.id, message=message.strip() or None
    )
    db.session.add(alert)
    db.session.flush()
    return alert


def tell_counsellor(counsellor) -> None:
    """The email: that a client asked to be contacted, and where to look. Nothing else —
    no name, no case, no reason — since email is read on shared screens and phones."""
    body = render_template(
        "mail/contact_request.txt",
        counsellor=counsellor,
        link=url_for("main.dashboard", _external=True),
    )
    # No case_id either: the outbox, which the owner reads, links nothing to a case.
    mail.send(MAIL_KIND, counsellor.email, "A client asked you to contact them", body)


def resolve_all(case: Case, by, what_was_done: str) -> list[SafetyAlert]:
    """The counsellor has seen to the case's waiting alerts; what they did is kept with each."""
    alerts = open_alerts(case)
    for alert in alerts:
        resolve(alert, by, what_was_done)
    return alerts


def resolve(alert: SafetyAlert, by, what_was_done: str) -> None:
    """The counsellor has seen to the alert; what they did is kept with it."""
    alert.resolved_at, alert.resolved_by_id, alert.resolution = now_utc(), by.id, what_was_done
    db.session.expire(alert.case, ["open_alerts"])
