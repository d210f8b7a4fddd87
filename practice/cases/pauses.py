"""Pausing the couple's work together, for whatever reason, and lifting it with a reason.

A counsellor pauses joint work for a holiday, a change of plan, or safety; to the
partners every pause looks the same ("paused by your counsellor"), so a pause for
safety tells the partner who is the danger nothing more than a holiday would.
While a pause stands, homework that involves the other partner (done together, or
asking one partner to tell, ask or arrange something with the other) is out of the
portal (its entries are kept; see ``audience.set_aside``), no new work together is
given, a joint session needs a recorded reason, and reports are not shared with the
couple. ``Case.joint_paused`` mirrors
whether a pause stands, so lists and the audience rule need no extra query.
"""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from practice import audit
from practice.auth.models import User
from practice.cases.models import Case
from practice.columns import case_fk, intpk, timestamp, user_fk
from practice.crypto import EncryptedText
from practice.database import enum_type, now_utc
from practice.extensions import db
from practice.vocabulary import Labelled


class PauseReason(Labelled):
    SAFETY = "safety", "Safety"
    BREAK = "break", "A break (holiday, illness, time apart)"
    PLAN = "plan", "A change of plan (individual work first)"
    OTHER = "other", "Another reason"


class JointWorkPause(db.Model):
    """A stretch of time in which the couple's work together is paused."""

    __tablename__ = "joint_work_pauses"

    id: Mapped[intpk]
    case_id: Mapped[case_fk] = mapped_column(index=True)
    reason: Mapped[PauseReason] = mapped_column(enum_type(PauseReason, "pause_reason"))
    # The counsellor's own words: counsellor-only, like a note.
    note: Mapped[str | None] = mapped_column(EncryptedText)
    started_at: Mapped[timestamp]
    started_by_id: Mapped[user_fk]
    lifted_at: Mapped[datetime | None]
    lifted_by_id: Mapped[user_fk | None]
    lift_note: Mapped[str | None] = mapped_column(EncryptedText)

    @property
    def reason_label(self) -> str:
        return self.reason.label


def standing_pause(case: Case) -> JointWorkPause | None:
    """The pause that stands now, if any."""
    return db.session.scalar(
        sa.select(JointWorkPause)
        .where(JointWorkPause.case_id == case.id, JointWorkPause.lifted_at.is_(None))
        .order_by(JointWorkPause.started_at.desc())
        .limit(1)
    )


def pause_joint_work(case: Case, reason: PauseReason, note: str, by: User) -> JointWorkPause:
    """Pause the couple's work together; a pause already standing is kept as it is."""
    pause = standing_pause(case)
    if pause is None:
        pause = JointWorkPause(case_id=case.id, reason=reason, note=note, started_by_id=by.id)
        db.session.add(pause)
        db.session.flush()
        audit.record("joint.pause", pause, case_id=case.id)
    case.joint_paused = True
    return pause


def lift_pause(case: Case, note: str, by: User) -> JointWorkPause | None:
    """End the standing pause, with the counsellor's reason; None if there was none."""
    pause = standing_pause(case)
    if pause is not None:
        pause.lifted_at, pause.lifted_by_id, pause.lift_note = now_utc(), by.id, note
        audit.record("joint.lift", pause, case_id=case.id)
    case.joint_paused = False
    return pause
