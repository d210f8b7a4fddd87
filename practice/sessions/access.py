"""Finding a case's sessions, for the counsellor: inside a case already loaded
through ``get_case_or_404``, so a session of another case is a 404."""

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from practice.cases.models import Case
from practice.extensions import db
from practice.sessions.models import Addendum, Note, Session


def get_session_or_404(case: Case, session_id: int, *, to_write_note=False) -> Session:
    """A session of ``case``, with its note and the note's addenda.

    ``to_write_note`` first waits for any other request writing this session's
    note to finish, then reads the session and note as they are after it: two
    clicks of Sign, or two tabs saving a first draft, then come one after the
    other. SQLite's writers already queue (``BEGIN IMMEDIATE``); PostgreSQL's
    do so on this row lock, taken on its own so that the read after it is fresh.
    """
    of_case = (Session.id == session_id, Session.case_id == case.id)
    if to_write_note:
        db.session.execute(sa.select(Session.id).where(*of_case).with_for_update())
    return db.first_or_404(
        sa.select(Session)
        .where(*of_case)
        .options(joinedload(Session.note).selectinload(Note.addenda).joinedload(Addendum.signed_by))
    )
