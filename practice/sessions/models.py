"""Sessions with a case, their notes, and the addenda that correct signed notes.

A note is a draft until it is signed; then it is locked for good, and so are the
facts of its session (when it was, its status, who it was with and who came: see
``SESSION_FACTS``), which the signature covers. The lock is kept three times
over: views refuse changes, :func:`_refuse_signed_change` and
:func:`_refuse_signed_session_change` refuse them in the ORM, and database
triggers (see the migrations) refuse them in SQL. Corrections are
:class:`Addendum` rows, each signed as written; one that corrects a session's
facts keeps the old and new values, and the session names it as its
``correction``.
"""

import enum
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from practice.auth.models import User
from practice.cases.models import Case
from practice.columns import case_fk, intpk, timestamp, unique_token, user_fk
from practice.crypto import EncryptedJSON, EncryptedText
from practice.database import enum_type
from practice.extensions import db
from practice.locks import FixedRecordError, refuse_changes
from practice.signing import AddendumColumns, SignedDraft, content_digest, utc_text
from practice.vocabulary import EFT_STAGES, EFT_STEPS, Labelled


class SessionStatus(Labelled):
    SCHEDULED = "scheduled", "Scheduled"
    ATTENDED = "attended", "Attended"
    CANCELLED = "cancelled", "Cancelled"
    NO_SHOW = "no-show", "No-show"


#: Statuses that hold a place in the counsellor's diary.
BOOKED = (SessionStatus.SCHEDULED, SessionStatus.ATTENDED)


class SessionMode(Labelled):
    """Where a session happens: in the room, or by video (see ``practice.sessions.video``)."""

    IN_PERSON = "in-person", "In person"
    VIDEO = "video", "By video"


class Session(db.Model):
    """A meeting with a case: when, how long, who came, and what it reached."""

    __tablename__ = "sessions"
    __table_args__ = (
        sa.Index("ix_sessions_case_starts", "case_id", "starts_at"),
        sa.Index("ix_sessions_counsellor_starts", "counsellor_id", "starts_at"),
    )

    id: Mapped[intpk]
    case_id: Mapped[case_fk]
    counsellor_id: Mapped[user_fk]
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    status: Mapped[SessionStatus] = mapped_column(
        enum_type(SessionStatus, "session_status"), default=SessionStatus.SCHEDULED
    )
    # Positions ("a", "b") of the partners who came.
    attendees: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    # EFT step reached (1-9); the stage follows from it.
    eft_step: Mapped[int | None]
    # The counsellor's 0-10 rating of each building block this session.
    block_ratings: Mapped[dict[str, int]] = mapped_column(sa.JSON, default=dict)
    # What the session worked on, in words fit for the couple's handout.
    handout_summary: Mapped[str] = mapped_column(EncryptedText, default="")
    created_at: Mapped[timestamp]
    updated_at: Mapped[timestamp]
    form_token: Mapped[unique_token | None]
    # Scheduling (practice.calendar). The partners ("a", "b") it is with; empty: the whole case.
    invitees: Mapped[list[str]] = mapped_column(sa.JSON, default=list, server_default="[]")
    cancel_reason: Mapped[str | None] = mapped_column(EncryptedText)
    # Cancelled inside the practice's notice period (practice.calendar.policy).
    late_cancel: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    cancelled_at: Mapped[datetime | None]
    # Where a moved session was before its latest move.
    moved_from: Mapped[datetime | None]
    # Why the counsellor saw the couple together while joint work was held (counsellor-only).
    joint_reason: Mapped[str | None] = mapped_column(EncryptedText)
    # Why the counsellor saw the couple together before both had signed the practice's
    # consent documents (practice.consent.gate; counsellor-only).
    consent_reason: Mapped[str | None] = mapped_column(EncryptedText)
    # In person or by video. A video session keeps a random room name of its own, which a
    # practice that makes a room per session puts into its link template.
    mode: Mapped[SessionMode] = mapped_column(
        enum_type(SessionMode, "session_mode"),
        default=SessionMode.IN_PERSON,
        server_default=SessionMode.IN_PERSON.value,
    )
    video_room: Mapped[str | None] = mapped_column(sa.String(40))
    # Bumped on every change of time or status, for calendar apps (RFC 5545 SEQUENCE).
    sequence: Mapped[int] = mapped_column(default=0, server_default="0")
    # The addendum that last corrected the facts of this session after its note was
    # signed; the only way those facts change then (see SESSION_FACTS). Not a foreign
    # key, which would close a cycle (addenda -> notes -> sessions) that every ordered
    # walk of the tables would trip on: the database trigger checks that it names an
    # addendum of this session's own note, and addenda are never deleted.
    correction_id: Mapped[int | None]
    # What the session is charged as (practice.billing); None: by who came, joint or individual.
    service_id: Mapped[int | None] = mapped_column(sa.ForeignKey("billing_services.id"))

    case: Mapped[Case] = relationship()
    counsellor: Mapped[User] = relationship()
    note: Mapped["Note | None"] = relationship(back_populates="session", uselist=False)

    def __repr__(self) -> str:
        return f"<Session {self.id} case {self.case_id} {self.status.value}>"

    @property
    def duration_minutes(self) -> int:
        return round((self.ends_at - self.starts_at).total_seconds() / 60)

    @property
    def status_label(self) -> str:
        if self.status is SessionStatus.CANCELLED and self.late_cancel:
            return "Cancelled late"
        return self.status.label

    @property
    def facts(self) -> dict[str, Any]:
        """What a signed note vouches for about its session, as plain values."""
        return {
            "starts_at": utc_text(self.starts_at),
            "ends_at": utc_text(self.ends_at),
            "status": SessionStatus(self.status).value,
            "attendees": sorted(self.attendees or []),
            "invitees": sorted(self.invitees or []),
        }

    @property
    def by_video(self) -> bool:
        return self.mode is SessionMode.VIDEO

    def is_with(self, position: str) -> bool:
        """Whether the partner at ``position`` is expected at this session."""
        return not self.invitees or position in self.invitees

    @property
    def expected(self) -> str:
        """Who the session is with, by first name: "Alex and Jordan", "Alex only"."""
        partners = self.case.partners
        names = [p.first_name for p in partners if self.is_with(p.position)]
        return expected_words(names, couple=len(partners) > 1)

    @property
    def eft_stage(self) -> int | None:
        return EFT_STEPS[self.eft_step][0] if self.eft_step else None

    @property
    def eft_label(self) -> str:
        if not self.eft_step:
            return ""
        stage, text = EFT_STEPS[self.eft_step]
        return f"Stage {stage} ({EFT_STAGES[stage].lower()}), step {self.eft_step}: {text}"


class NoteTemplate(enum.StrEnum):
    DAP = "dap"
    SOAP = "soap"
    EFT = "eft"


class SignedNoteError(FixedRecordError):
    """A signed note, or an addendum, was about to be changed."""


class Note(SignedDraft, db.Model):
    """The counsellor's note of a session, written from a template; locked once signed."""

    __tablename__ = "notes"

    id: Mapped[intpk]
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("sessions.id"), unique=True)
    case_id: Mapped[case_fk] = mapped_column(index=True)
    template: Mapped[NoteTemplate] = mapped_column(enum_type(NoteTemplate, "note_template"))
    # {section: text}, encrypted at rest.
    body: Mapped[dict[str, Any]] = mapped_column(EncryptedJSON)
    author_id: Mapped[user_fk]
    created_at: Mapped[timestamp]
    updated_at: Mapped[timestamp]
    # The session's facts as they were at signing (Session.facts), covered by the hash.
    # Empty for notes signed before the facts were locked: their hash never covered them.
    session_facts: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)

    session: Mapped[Session] = relationship(back_populates="note")
    addenda: Mapped[list["Addendum"]] = relationship(
        back_populates="note", order_by="Addendum.signed_at"
    )

    def compute_hash(self) -> str:
        """SHA-256 of what was signed: the text, its template, session, signer and time,
        and the session's facts as signed."""
        signed = {
            "note": self.id,
            "session": self.session_id,
            "case": self.case_id,
            "template": self.template.value,
            "body": self.body,
            "signed_by": self.signed_by_id,
            "signed_at": utc_text(self.signed_at),
        }
        if self.session_facts is not None:
            signed["session_facts"] = self.session_facts
        return content_digest(signed)

    @property
    def facts_corrected(self) -> bool:
        """Whether the session's facts now differ from those signed (by an addendum)."""
        return self.session_facts is not None and self.session.facts != self.session_facts


class Addendum(AddendumColumns, db.Model):
    """A correction or addition to a signed note, signed and time-stamped as written."""

    __tablename__ = "addenda"

    id: Mapped[intpk]
    note_id: Mapped[int] = mapped_column(sa.ForeignKey("notes.id"), index=True)
    # {fact: [before, after]} when the addendum corrects the session's facts.
    corrections: Mapped[dict[str, list] | None] = mapped_column(sa.JSON)

    note: Mapped[Note] = relationship(back_populates="addenda")

    def compute_hash(self) -> str:
        signed = {
            "addendum_to": self.note_id,
            "body": self.body,
            "signed_by": self.signed_by_id,
            "signed_at": utc_text(self.signed_at),
        }
        if self.corrections is not None:
            signed["corrections"] = self.corrections
        return content_digest(signed)


@sa.event.listens_for(Note, "before_update")
def _refuse_signed_change(mapper, connection, target: Note):
    """Once signed in the database, a note takes no change at all."""
    session = sa.orm.object_session(target)
    if session is not None and not session.is_modified(target, include_collections=False):
        return  # only a collection moved (an addendum was added): the note itself is as it was
    # Asked of the database itself: whatever the object now says, was it signed?
    was_signed = connection.scalar(
        sa.select(Note.__table__.c.signed_at).where(Note.__table__.c.id == target.id)
    )
    if was_signed is not None:
        raise SignedNoteError("this note is signed and cannot be changed; add an addendum")


#: The columns of a session that its signed note vouches for.
SESSION_FACTS = ("starts_at", "ends_at", "status", "attendees", "invitees")


@sa.event.listens_for(Session, "before_update")
def _refuse_signed_session_change(mapper, connection, target: Session):
    """Once its note is signed, a session's facts change only with a correcting addendum."""
    state = sa.inspect(target)
    if not any(state.attrs[name].history.has_changes() for name in SESSION_FACTS):
        return
    if state.attrs.correction_id.history.has_changes() and target.correction_id is not None:
        return  # a correction; the database checks it belongs to this session's note
    notes = Note.__table__
    signed = connection.scalar(
        sa.select(notes.c.signed_at).where(
            notes.c.session_id == target.id, notes.c.signed_at.is_not(None)
        )
    )
    if signed is not None:
        raise SignedNoteError(
            "this session's note is signed: its facts are corrected by an addendum"
        )


@sa.event.listens_for(Note, "before_delete")
def _refuse_signed_delete(mapper, connection, target: Note):
    if target.signed_at is not None:
        raise SignedNoteError("signed notes are kept for good")


refuse_changes(
    Addendum, words="addenda are signed as written and cannot be changed", error=SignedNoteError
)


def expected_words(names: list[str], *, couple: bool) -> str:
    """Who a session is with, in words: "Alex and Jordan", or "Alex only" in a couple's case."""
    if not names:
        return "nobody named"
    if len(names) == 1 and couple:
        return f"{names[0]} only"
    return " and ".join(names)
