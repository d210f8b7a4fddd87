"""What the portal asks a partner to do before counselling begins: their intake form and
the practice's documents to sign. Built from the reader's own records alone, so it
reads the same whatever the other partner has done. Two queries."""

from dataclasses import dataclass

import sqlalchemy as sa
from flask import url_for

from practice.cases.models import CaseStatus, Partner
from practice.consent.summary import to_sign
from practice.extensions import db
from practice.intake.models import IntakeAnswers


@dataclass(frozen=True)
class Step:
    text: str
    url: str
    action: str


def first_steps(partner: Partner) -> list[Step]:
    """The reader's own forms and documents still to do; empty once all are done."""
    if partner.case.status is CaseStatus.CLOSED:
        return []
    steps = []
    begun = db.session.execute(
        sa.select(IntakeAnswers.submitted_at).where(IntakeAnswers.partner_id == partner.id)
    ).first()
    if begun is None or begun.submitted_at is None:
        steps.append(
            Step(
                "A few questions about you, for your counsellor alone.",
                url_for("portal_intake.intake"),
                "Carry on" if begun is not None else "Start",
            )
        )
    if documents := to_sign(partner):
        titles = ", ".join(d.title for d in documents)
        steps.append(Step(f"To read and sign: {titles}.", url_for("portal_consent.index"), "Read"))
    return steps
