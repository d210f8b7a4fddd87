"""Each case's summary (``practice.main.summary``) stays what its sessions, notes, partners
and check-ins say, whichever way they are written.

After every write below, the stored row is compared with the same figures worked out
here, in Python, from the case's rows as the ORM loads them.
"""

import importlib.util
from datetime import time, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from practice.calendar.booking import Booking, book, change
from practice.calendar.recurrence import zone_named
from practice.calendar.services import cancel, mark_no_show
from practice.cases.models import Case, Partner
from practice.database import now_utc
from practice.dates import practice_today
from practice.extensions import db
from practice.main.summary import CaseSummary, csi_totals, refresh_all
from practice.progress.models import CheckIn
from practice.progress.services import new_check_in
from practice.sessions.models import Session, SessionStatus
from practice.sessions.services import add_addendum, apply_correction, sign
from tests.factories import add_check_in, add_session, draft_note, signed_note

ZONE = zone_named("UTC")


def worked_out(case_id: int) -> dict:
    """The case's summary, counted here from its rows."""
    db.session.expire_all()
    case = db.session.get(Case, case_id)
    sessions = db.session.scalars(sa.select(Session).where(Session.case_id == case_id)).all()
    attended = [s for s in sessions if s.status is SessionStatus.ATTENDED]
    found = {
        "unsigned_notes": sum(1 for s in attended if s.note is None or s.note.signed_at is None),
        "joint_sessions": sum(1 for s in attended if len(s.attendees) >= len(case.partners)),
    }
    for position in "ab":
        totals = [
            c.csi_total
            for c in sorted(
                db.session.scalars(sa.select(CheckIn).where(CheckIn.case_id == case_id)),
                key=lambda c: (c.completed_at, c.id),
            )
            if c.partner.position == position
        ]
        found[f"csi_{position}_first"] = totals[0] if totals else None
        found[f"csi_{position}_previous"] = totals[-2] if len(totals) >= 3 else None
        found[f"csi_{position}_latest"] = totals[-1] if len(totals) >= 2 else None
    return found


def stored(case_id: int) -> dict:
    row = db.session.execute(
        sa.select(CaseSummary.__table__).where(CaseSummary.case_id == case_id)
    ).one()
    return {key: value for key, value in row._mapping.items() if key != "case_id"}


def holds(case) -> None:
    db.session.commit()
    assert stored(case.id) == worked_out(case.id)


def booking(days: int, **kwargs) -> Booking:
    return Booking(
        day=practice_today() + timedelta(days=days), start=time(10), minutes=50, **kwargs
    )


def test_every_write_keeps_the_summary_true(counsellor, make_case):
    case = make_case(counsellor, ("Alex Morgan",))
    alex = case.partners[0]
    # Booked, then recorded as attended by Alex alone: one session, joint while Alex is
    # the only partner, its note not written.
    session, _ = book(case, booking(-14), ZONE, counsellor, None)
    holds(case)
    change(
        session,
        booking(-14, status=SessionStatus.ATTENDED, attendees=("a",), ignore=session.id),
        ZONE,
    )
    holds(case)
    assert stored(case.id)["unsigned_notes"] == stored(case.id)["joint_sessions"] == 1
    # A second partner joins the case: that session was no longer with everyone.
    db.session.add(Partner(case_id=case.id, position="b", name="Jordan Morgan"))
    holds(case)
    assert stored(case.id)["joint_sessions"] == 0
    # The note drafted, then signed.
    note = draft_note(session)
    holds(case)
    assert stored(case.id)["unsigned_notes"] == 1
    sign(note, counsellor)
    holds(case)
    assert stored(case.id)["unsigned_notes"] == 0
    # An addendum corrects who came: both partners, so a joint session after all.
    addendum = add_addendum(note, "Jordan came too.", counsellor, {"attendees": ["a", "b"]})
    db.session.flush()
    apply_correction(session, addendum)
    holds(case)
    assert stored(case.id)["joint_sessions"] == 1
    # Sessions booked, cancelled, missed; one attended and left without a note.
    later, _ = book(case, booking(-7), ZONE, counsellor, None)
    mark_no_show(later, now_utc())
    holds(case)
    coming, _ = book(case, booking(3), ZONE, counsellor, None)
    cancel(coming, "Away", late=False)
    holds(case)
    add_session(case, -3, attendees=("a", "b"))
    holds(case)
    assert stored(case.id)["unsigned_notes"] == 1
    signed_note(add_session(case, -2, attendees=("b",)))
    holds(case)
    # Check-ins, one at a time: first, then latest, then the one before the latest.
    jordan = case.partners[1]
    for days, answers in [(-30, (3, 3, 3, 3)), (-20, (4, 4, 4, 4)), (-10, (5, 4, 4, 4))]:
        add_check_in(alex, days, answers)
        holds(case)
    new_check_in(
        case, jordan.id, answers=[2, 2, 2, 2], blocks={}, by=counsellor, completed_at=now_utc()
    )
    holds(case)
    # One made earlier than the rest, entered late: it becomes Alex's first.
    add_check_in(alex, -40, (1, 1, 1, 1))
    holds(case)
    assert csi_totals(db.session.get(CaseSummary, case.id), "a") == [4, 16, 17]


def test_a_draft_note_saved_again_leaves_the_summary_alone(counsellor, case, count_queries):
    session = add_session(case, -3)
    note = draft_note(session)
    db.session.commit()
    with count_queries() as statements:
        note.body = {"data": "Draft, longer"}
        db.session.commit()
    assert not any("case_summaries" in s for s in statements)
    holds(case)


@pytest.mark.parametrize("rows_past_the_orm", [True, False])
def test_refresh_all_works_out_every_case(counsellor, make_case, rows_past_the_orm):
    """What bench/generate.py does after its bulk inserts, and what the migration did."""
    cases = [make_case(counsellor, (f"Ari {n}", f"Bo {n}")) for n in range(3)]
    for n, case in enumerate(cases):
        for days in range(n + 1):
            add_session(case, -10 + days, attendees=("a", "b") if days % 2 else ("a",))
        add_check_in(case.partners[0], -5, (3, 3, 3, 3))
    if rows_past_the_orm:
        db.session.execute(sa.delete(CaseSummary))
    refresh_all(db.session.connection())
    for case in cases:
        holds(case)


def test_the_migration_fills_the_summaries_the_way_the_app_keeps_them(counsellor, make_case):
    """The migration's own copy of the SQL, run on this database over a few cases."""
    path = next(
        (Path(__file__).parent.parent / "migrations" / "versions").glob("*_8f2c6d1a9e37.py")
    )
    spec = importlib.util.spec_from_file_location("case_summaries_migration", path)
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    alone = make_case(counsellor, ("Sam Okafor",))
    add_session(alone, -9, attendees=("a",))
    add_check_in(alone.partners[0], -8, (3, 3, 3, 3))
    cases = [alone]
    for n in range(4):
        case = make_case(counsellor, (f"Ari {n}", f"Bo {n}"))
        for days in range(n + 2):
            session = add_session(case, -20 + days, attendees=("a", "b")[: 1 + days % 2])
            if days % 3 == 0:
                signed_note(session)
        for days in range(n + 1):
            add_check_in(case.partners[days % 2], -15 + days, (n, 3, 3, days))
        cases.append(case)
    kept = {case.id: stored(case.id) for case in cases}
    db.session.execute(sa.delete(CaseSummary))
    db.session.execute(sa.text(migration.FILL))
    db.session.commit()
    assert {case.id: stored(case.id) for case in cases} == kept
    assert all(stored(case.id) == worked_out(case.id) for case in cases)
