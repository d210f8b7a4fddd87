"""What the portal asks a partner to do before counselling begins: their intake form and
the practice's documents to sign. Built from the reader's own records alone, so it
reads the same whatever the other partner has done."""

from dataclasses import dataclass

from flask import url_for

from practice.cases.models import CaseStatus, Partner
from practice.consent.documents import current_documents
from practice.consent.rules import IN_PERSON, REQUIRED
from practice.consent.signatures import signatures_of
from practice.intake.access import own_answers


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
    answers = own_answers(partner)
    if answers is None or not answers.submitted:
        steps.append(
            Step(
                "A few questions about you, for your counsellor alone.",
                url_for("portal_intake.intake"),
                "Carry on" if answers is not None else "Start",
            )
        )
    signed = {s.document_id for s in signatures_of(partner)}
    to_sign = [
        d
        for kind, d in current_documents().items()
        if kind.value in REQUIRED[IN_PERSON] and d.id not in signed
    ]
    if to_sign:
        titles = ", ".join(d.title for d in to_sign)
        steps.append(Step(f"To read and sign: {titles}.", url_for("portal_consent.index"), "Read"))
    return steps
