"""Sessions in time: ordinals, clashes, and signing notes."""

from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from practice import audit
from practice.auth.models import User
from practice.database import now_utc
from practice.extensions import db
from practice.sessions.models import BOOKED, Addendum, Note, Session, SessionStatus

#: How far ahead of its start a session may already be marked attended.
ATTENDED_EARLY = timedelta(minutes=15)


def attended_ordinals(case_id: int) -> dict[int, int]:
    """{session id: its number among the case's attended sessions}, in one query."""
    ids = db.session.scalars(
        sa.select(Session.id)
        .where(Session.case_id == case_id, Session.status == SessionStatus.ATTENDED)
        .order_by(Session.starts_at, Session.id)
    )
    return {session_id: n for n, session_id in enumerate(ids, 1)}


def clash(
    counsellor_id: int, starts_at: datetime, ends_at: datetime, ignore: int | None = None
) -> Session | None:
    """A booked session of the counsellor's that overlaps the given time, if any."""
    query = sa.select(Session).where(
        Session.counsellor_id == counsellor_id,
        Session.status.in_(BOOKED),
        Session.starts_at < ends_at,
        Session.ends_at > starts_at,
    )
    if ignore is not None:
        query = query.where(Session.id != ignore)
    return db.session.scalar(query.order_by(Session.starts_at).limit(1))


def attended_too_early(status: SessionStatus, starts_at: datetime) -> bool:
    return status is SessionStatus.ATTENDED and starts_at > now_utc() + ATTENDED_EARLY


def previous_attended(session: Session) -> Session | None:
    return db.session.scalar(
        sa.select(Session)
        .where(
            Session.case_id == session.case_id,
            Session.status == SessionStatus.ATTENDED,
            Session.starts_at < session.starts_at,
        )
        .order_by(Session.starts_at.desc())
        .limit(1)
    )


def sign(note: Note, by: User) -> None:
    """Lock the note and its session's facts: signer, time, the facts as they stand and
    the hash of all that are kept."""
    note.signed_by_id = by.id
    note.signed_at = now_utc()
    note.session_facts = note.session.facts
    note.content_hash = note.compute_hash()
    audit.record("note.sign", note, session=note.session_id, hash=note.content_hash)


def signs_the_same(note: Note, body: dict, by: User) -> bool:
    """Whether ``by`` signing ``body`` would only repeat the signature ``note`` has."""
    signed = {key: text for key, text in note.body.items() if key != "homework_snapshot"}
    return note.signed and note.signed_by_id == by.id and body == signed


def add_addendum(
    note: Note, text: str, by: User, corrected: dict[str, Any] | None = None
) -> Addendum:
    """An addendum to a signed note, signed. With ``corrected`` (some of
    ``Session.facts``, as they should have been), the addendum also keeps, under its
    signature, the old and new value of each fact that differs; ``apply_correction``
    then corrects the session once the addendum is saved."""
    before = note.session.facts
    changes = {
        fact: [before[fact], value]
        for fact, value in (corrected or {}).items()
        if value != before[fact]
    }
    # By id, not through note.addenda: the signed note itself is not touched.
    addendum = Addendum(
        note_id=note.id,
        case_id=note.case_id,
        body=text,
        signed_by_id=by.id,
        signed_at=now_utc(),
        corrections=changes or None,
    )
    addendum.content_hash = addendum.compute_hash()
    db.session.add(addendum)
    return addendum


def apply_correction(session: Session, addendum: Addendum) -> None:
    """Correct the session's facts as a saved addendum says. The session names the
    addendum as its correction, which is what lets the change past the lock."""
    if not addendum.corrections:
        return
    for fact, (_, value) in addendum.corrections.items():
        setattr(session, fact, _stored(fact, value))
    session.correction_id = addendum.id
    session.sequence += 1
    session.updated_at = now_utc()
    audit.record(
        "session.correct",
        session,
        addendum=addendum.id,
        **{fact: f"{old} → {new}" for fact, (old, new) in addendum.corrections.items()},
    )


def _stored(fact: str, value):
    """A fact's plain value (as in ``Session.facts``) as the session column holds it."""
    if fact in ("starts_at", "ends_at"):
        return datetime.fromisoformat(value)
    if fact == "status":
        return SessionStatus(value)
    return sorted(value)
