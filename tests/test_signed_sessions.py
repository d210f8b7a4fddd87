"""A signed note locks its session's facts too: when it was, its status, who came.

Before, "Change" could turn a signed session into a no-show on another day, and
the audit kept only the new status. Now the facts are locked by the views, the
ORM and a database trigger, covered by the note's hash as they were at signing,
and corrected only by an addendum that keeps the old and new values (issue 16).
"""

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError

from practice.audit.models import AuditEvent
from practice.auth.models import Role
from practice.database import now_utc
from practice.dates import local
from practice.extensions import db
from practice.sessions.locks import LOCKS
from practice.sessions.models import (
    Addendum,
    Note,
    NoteTemplate,
    Session,
    SessionStatus,
    SignedNoteError,
)
from practice.sessions.services import sign

YESTERDAY_10 = (now_utc() - timedelta(days=1)).replace(hour=10, minute=0, second=0, microsecond=0)


@pytest.fixture
def as_counsellor(auth, counsellor):
    auth.login(counsellor)
    return counsellor


def attended(case, starts_at=YESTERDAY_10, attendees=("a", "b")) -> Session:
    session = Session(
        case_id=case.id,
        counsellor_id=case.counsellor_id,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=50),
        status=SessionStatus.ATTENDED,
        attendees=list(attendees),
    )
    db.session.add(session)
    db.session.commit()
    return session


def signed(session: Session) -> Note:
    note = Note(
        session_id=session.id,
        case_id=session.case_id,
        template=NoteTemplate.DAP,
        body={"data": "Both spoke about the move.", "assessment": "", "plan": ""},
        author_id=session.counsellor_id,
    )
    db.session.add(note)
    db.session.flush()
    sign(note, db.session.get(type(session.counsellor), session.counsellor_id))
    db.session.commit()
    return note


def facts_now(session_id: int) -> dict:
    db.session.rollback()  # a fresh read, not this session's snapshot
    return db.session.get(Session, session_id).facts


def url(session, tail="") -> str:
    return f"/cases/{session.case_id}/sessions/{session.id}{tail}"


def correction(session, **change) -> dict:
    """The addendum form, ticked to correct, with the session's facts as they stand
    and ``change`` applied."""
    starts = local(session.starts_at)
    data = {
        "form_token": "c-" + "1" * 30,
        "body": "Recorded in error: Jordan did not come; Alex came alone.",
        "correct": "y",
        "day": starts.date().isoformat(),
        "time": starts.strftime("%H:%M"),
        "duration": "50",
        "status": session.status.value,
        "attendees": list(session.attendees),
    }
    return data | change


# --- Locked ---------------------------------------------------------------------


def test_changing_a_signed_session_is_refused_and_said_plainly(client, as_counsellor, case):
    session = attended(case)
    signed(session)
    before = facts_now(session.id)
    page = client.get(url(session)).data.decode()
    assert ">Change</a>" not in page
    for method in (client.get, client.post):
        response = method(
            url(session, "/edit"),
            data={"day": "2026-01-05", "time": "09:00", "duration": "50", "status": "no-show"},
        )
        assert response.status_code == 409
        assert "its date, time, status and who came are locked" in response.data.decode()
    assert facts_now(session.id) == before
    refused = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "session.change_refused")
    ).all()
    assert len(refused) == 2


def test_a_session_without_a_signed_note_can_still_be_changed(client, as_counsellor, case):
    session = attended(case)
    assert ">Change</a>" in client.get(url(session)).data.decode()
    assert client.get(url(session, "/edit")).status_code == 200


@pytest.mark.parametrize(
    "change",
    [
        {"status": SessionStatus.NO_SHOW},
        {"starts_at": YESTERDAY_10 - timedelta(days=3)},
        {"attendees": ["a"]},
        {"invitees": ["b"]},
    ],
    ids=["status", "start", "attendees", "invitees"],
)
def test_the_orm_refuses_a_change_of_a_signed_sessions_facts(app, case, change):
    session = attended(case)
    signed(session)
    for name, value in change.items():
        setattr(session, name, value)
    with pytest.raises(SignedNoteError):
        db.session.commit()
    db.session.rollback()


def test_the_orm_lets_through_what_is_not_a_fact(app, case):
    session = attended(case)
    signed(session)
    session.handout_summary = "We slowed the cycle down."
    db.session.commit()
    assert db.session.get(Session, session.id).handout_summary == "We slowed the cycle down."


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE sessions SET status = 'no-show' WHERE id = :id",
        "UPDATE sessions SET starts_at = '2020-01-01 10:00:00' WHERE id = :id",
        "UPDATE sessions SET attendees = '[\"a\"]' WHERE id = :id",
    ],
    ids=["status", "start", "attendees"],
)
def test_the_database_refuses_a_hand_written_change_of_a_signed_sessions_facts(
    app, case, statement
):
    session = attended(case)
    signed(session)
    with pytest.raises(DBAPIError, match="corrected by an addendum"), db.engine.begin() as conn:
        conn.execute(sa.text(statement), {"id": session.id})
    assert facts_now(session.id)["status"] == "attended"


def test_the_database_refuses_a_correction_that_names_another_sessions_addendum(app, case):
    mine, other = attended(case), attended(case, YESTERDAY_10 - timedelta(days=7))
    signed(mine)
    others = signed(other)
    addendum = Addendum(
        note_id=others.id,
        case_id=case.id,
        body="About the other session.",
        signed_by_id=case.counsellor_id,
        content_hash="x" * 64,
    )
    db.session.add(addendum)
    db.session.commit()
    with pytest.raises(DBAPIError, match="corrected by an addendum"), db.engine.begin() as conn:
        conn.execute(
            sa.text("UPDATE sessions SET status = 'no-show', correction_id = :a WHERE id = :id"),
            {"a": addendum.id, "id": mine.id},
        )


# --- Corrected by an addendum ------------------------------------------------------


def test_an_addendum_corrects_the_facts_keeping_old_and_new(client, as_counsellor, case):
    session = attended(case)
    note = signed(session)
    signed_hash = note.content_hash
    response = client.post(url(session, "/note/addenda"), data=correction(session, attendees=["a"]))
    assert response.status_code == 302
    [addendum] = db.session.scalars(sa.select(Addendum)).all()
    assert addendum.corrections == {"attendees": [["a", "b"], ["a"]]}
    assert addendum.intact
    assert facts_now(session.id)["attendees"] == ["a"]
    corrected = db.session.get(Session, session.id)
    assert corrected.correction_id == addendum.id
    note = db.session.get(Note, note.id)
    assert note.content_hash == signed_hash
    assert note.intact  # the signature is of the facts as signed; the addendum says what changed
    assert note.facts_corrected
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "session.correct"))
    assert event.detail["attendees"] == "['a', 'b'] → ['a']"
    page = client.get(url(session)).data.decode()
    assert "the session’s record is corrected" in page
    assert "Corrects the session’s record:</strong>" in page
    assert "who came Alex, Jordan → Alex" in page
    assert "Corrected by an addendum after the note was signed" in page


def test_a_correction_of_time_and_status(client, as_counsellor, case):
    session = attended(case)
    signed(session)
    earlier = local(session.starts_at) - timedelta(days=2)
    data = correction(
        session,
        day=earlier.date().isoformat(),
        time="08:30",
        status="no-show",
        attendees=[],
    )
    assert client.post(url(session, "/note/addenda"), data=data).status_code == 302
    facts = facts_now(session.id)
    assert facts["status"] == "no-show"
    assert facts["attendees"] == []
    starts = datetime.fromisoformat(facts["starts_at"])
    assert (local(starts).date(), local(starts).strftime("%H:%M")) == (earlier.date(), "08:30")
    [addendum] = db.session.scalars(sa.select(Addendum)).all()
    assert set(addendum.corrections) == {"starts_at", "ends_at", "status", "attendees"}
    assert addendum.corrections["status"] == ["attended", "no-show"]


def test_an_addendum_without_the_box_ticked_changes_no_fact(client, as_counsellor, case):
    session = attended(case)
    signed(session)
    before = facts_now(session.id)
    data = correction(session, status="no-show")
    del data["correct"]
    assert client.post(url(session, "/note/addenda"), data=data).status_code == 302
    assert facts_now(session.id) == before
    [addendum] = db.session.scalars(sa.select(Addendum)).all()
    assert addendum.corrections is None


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({}, "Nothing here differs from the session as recorded"),
        ({"day": ""}, "Enter the date the session was on."),
        ({"day": "2026-02-30"}, "Not a valid date value."),
        ({"duration": "5"}, "Between 10 and 300 minutes."),
        ({"status": "attended", "attendees": []}, "Tick who came."),
        ({"status": "lost"}, "Choose the status."),
        ({"attendees": ["a", "z"]}, "Tick only partners of this case."),
    ],
    ids=["unchanged", "no-date", "bad-date", "short", "nobody", "bad-status", "bad-partner"],
)
def test_a_bad_correction_is_a_400_with_the_reason_and_keeps_what_was_typed(
    client, as_counsellor, case, change, message
):
    session = attended(case)
    signed(session)
    before = facts_now(session.id)
    response = client.post(url(session, "/note/addenda"), data=correction(session, **change))
    assert response.status_code == 400
    page = response.data.decode()
    assert message in page
    assert "Recorded in error: Jordan did not come; Alex came alone." in page
    assert facts_now(session.id) == before
    assert db.session.scalars(sa.select(Addendum)).all() == []


def test_a_double_submitted_correction_is_made_once(client, as_counsellor, case):
    session = attended(case)
    signed(session)
    data = correction(session, attendees=["a"])
    first = client.post(url(session, "/note/addenda"), data=data)
    second = client.post(url(session, "/note/addenda"), data=data)
    assert first.status_code == second.status_code == 302
    assert len(db.session.scalars(sa.select(Addendum)).all()) == 1


def test_a_correction_is_the_case_counsellors_alone(client, auth, make_user, make_case, case):
    session = attended(case)
    signed(session)
    before = facts_now(session.id)
    other_counsellor = make_user(Role.COUNSELLOR)
    auth.login(other_counsellor)
    response = client.post(url(session, "/note/addenda"), data=correction(session, attendees=["a"]))
    assert response.status_code == 404
    theirs = make_case(other_counsellor, ("Sam Okafor", "Robin Okafor"))
    response = client.post(
        f"/cases/{theirs.id}/sessions/{session.id}/note/addenda",
        data=correction(session, attendees=["a"]),
    )
    assert response.status_code == 404
    assert facts_now(session.id) == before


# --- The hash covers the facts as signed ---------------------------------------


def test_the_signature_covers_the_sessions_facts_as_signed(app, case):
    session = attended(case)
    note = signed(session)
    assert note.session_facts == session.facts
    assert note.intact
    with db.engine.begin() as conn, LOCKS.lifted(conn):
        conn.execute(
            sa.text("UPDATE notes SET session_facts = :facts WHERE id = :id"),
            {
                "facts": '{"attendees": ["a"], "ends_at": "x", "invitees": [], '
                '"starts_at": "x", "status": "attended"}',
                "id": note.id,
            },
        )
    db.session.rollback()
    assert not db.session.get(Note, note.id).intact


def test_notes_signed_before_the_facts_were_covered_still_verify(app, case):
    session = attended(case)
    note = Note(
        session_id=session.id,
        case_id=case.id,
        template=NoteTemplate.DAP,
        body={"data": "Signed last week.", "assessment": "", "plan": ""},
        author_id=case.counsellor_id,
    )
    db.session.add(note)
    db.session.flush()
    note.signed_by_id, note.signed_at = case.counsellor_id, datetime(2026, 11, 1, 12, tzinfo=UTC)
    note.content_hash = note.compute_hash()  # as before: no session_facts
    db.session.commit()
    note = db.session.get(Note, note.id)
    assert note.session_facts is None
    assert note.intact
    assert not note.facts_corrected
    session.status = SessionStatus.NO_SHOW  # and its session is locked all the same
    with pytest.raises(SignedNoteError):
        db.session.commit()
    db.session.rollback()


def test_the_diary_will_not_move_cancel_or_no_show_a_session_whose_note_is_signed(
    client, as_counsellor, case
):
    """A note written and signed while the session still says "scheduled": the diary's
    own changes are refused in words, never a 500."""
    session = attended(case)
    session.status, session.attendees = SessionStatus.SCHEDULED, []
    db.session.commit()
    signed(session)
    before = facts_now(session.id)
    base = f"/calendar/cases/{case.id}/sessions/{session.id}"
    later = local(session.starts_at) + timedelta(days=7)
    moved = client.post(
        base + "/move",
        data={"day": later.date().isoformat(), "time": "10:00", "duration": "50"},
    )
    assert moved.status_code == 400
    assert "note is signed, so it cannot be moved" in moved.data.decode()
    cancelled = client.post(base + "/cancel", data={"reason": "Ill"})
    assert cancelled.status_code == 400
    assert "note is signed, so it cannot be cancelled" in cancelled.data.decode()
    no_show = client.post(base + "/no-show", follow_redirects=True)
    assert "note is signed, so it cannot be marked as a no-show" in no_show.data.decode()
    assert facts_now(session.id) == before
