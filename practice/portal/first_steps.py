"""What the portal asks a partner to do before counselling begins: their intake form and
the practice's documents to sign (consent to video too, once a session of theirs is
booked by video). Built from the reader's own records alone, so it reads the same
whatever the other partner has done. Two queries, given the reader's sessions ahead."""

from dataclasses import dataclass

import sqlalchemy as sa
from flask import url_for

from practice.cases.models import CaseStatus, Partner
from practice.consent.rules import IN_PERSON, REQUIRED, VIDEO
from practice.consent.summary import to_sign
from practice.dates import format_datetime
from practice.extensions import db
from practice.intake.models import IntakeAnswers
from practice.sessions.models import Session, SessionStatus


@dataclass(frozen=True)
class Step:
    text: str
    url: str
    action: str


def first_steps(partner: Partner, upcoming: list[Session]) -> list[Step]:
    """The reader's own forms and documents still to do; empty once all are done.
    ``upcoming``: the reader's own sessions ahead (``appointments.upcoming_for``)."""
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
    video = next_video_session(upcoming)
    if documents := to_sign(partner, VIDEO if video else IN_PERSON):
        titles = ", ".join(d.title for d in documents)
        before = ""
        if video and any(d.kind.value not in REQUIRED[IN_PERSON] for d in documents):
            before = f" before your video session on {format_datetime(video.starts_at)}"
        steps.append(
            Step(f"To read and sign{before}: {titles}.", url_for("portal_consent.index"), "Read")
        )
    return steps


def next_video_session(upcoming: list[Session]) -> Session | None:
    """The next session by video among the reader's own sessions ahead, if one is booked."""
    return next((s for s in upcoming if s.by_video and s.status is SessionStatus.SCHEDULED), None)
