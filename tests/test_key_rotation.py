"""Encryption at rest and the rotation of its key."""

import sqlalchemy as sa
from cryptography.fernet import Fernet

from practice.database import now_utc
from practice.extensions import db
from practice.homework.models import HomeworkEntry
from practice.sessions.models import Note, NoteTemplate, Session, SessionStatus


def raw(table: str, column: str) -> list[str]:
    return db.session.scalars(sa.text(f"SELECT {column} FROM {table}")).all()  # noqa: S608


def signed_note(case, counsellor) -> Note:
    from practice.dates import practice_today  # noqa: F401 - app context is there

    session = Session(
        case_id=case.id,
        counsellor_id=counsellor.id,
        starts_at=now_utc(),
        ends_at=now_utc(),
        status=SessionStatus.ATTENDED,
        attendees=["a"],
    )
    db.session.add(session)
    db.session.flush()
    note = Note(
        session_id=session.id,
        case_id=case.id,
        template=NoteTemplate.DAP,
        body={"data": "Rotating secret words"},
        author_id=counsellor.id,
    )
    db.session.add(note)
    db.session.flush()
    note.signed_by_id, note.signed_at = counsellor.id, now_utc()
    note.content_hash = note.compute_hash()
    db.session.commit()
    return note


def test_rotation_rewrites_everything_under_the_new_key(
    app, config_class, make_app, runner, counsellor, make_case, make_assignment, make_entry
):
    case = make_case(counsellor)
    entry = make_entry(make_assignment(case), case.partners[0], answer="Entry secret")
    note = signed_note(case, counsellor)
    # Plain ids: touching the test's own objects inside another app's context would
    # open a transaction on that app's engine.
    note_id, entry_id = note.id, entry.id
    old_key = config_class.NOTES_KEYS
    before = raw("notes", "body")[0]

    new_key = Fernet.generate_key().decode()
    rotated = make_app(type("Rotated", (config_class,), {"NOTES_KEYS": f"{new_key},{old_key}"}))
    with rotated.app_context():  # the command runs in the app with both keys
        result = rotated.test_cli_runner().invoke(args=["rotate-keys"])
    assert result.exit_code == 0, result.output
    assert "notes.body: 1" in result.output

    db.session.rollback()  # read what the rotation committed
    after = raw("notes", "body")[0]
    assert after != before
    # Only the new key is needed now: the old one can be dropped.
    new_only = Fernet(new_key)
    for table, column in (("notes", "body"), ("homework_entries", "answers")):
        for token in raw(table, column):
            new_only.decrypt(token.encode())  # raises if any value still needs the old key
    assert "Rotating secret words" in new_only.decrypt(after.encode()).decode()
    with rotated.app_context():
        note_again = db.session.get(Note, note_id)
        assert note_again.body == {"data": "Rotating secret words"}
        assert note_again.intact  # the signed text and its hash are unchanged
        assert db.session.get(HomeworkEntry, entry_id).answers[0]["answer"] == "Entry secret"


def test_plain_text_is_never_stored(counsellor, make_case, make_assignment, make_entry):
    case = make_case(counsellor)
    make_entry(make_assignment(case), case.partners[0], answer="Only in the entry")
    signed_note(case, counsellor)
    assert "Only in the entry" not in raw("homework_entries", "answers")[0]
    assert "Rotating secret words" not in raw("notes", "body")[0]
