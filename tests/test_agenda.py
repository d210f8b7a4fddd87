"""The dashboard's agenda: the counsellor's sessions from today, by day, ready to note.

``agenda`` takes the moment it is asked at, so each test picks its own "now" (10:00
on the practice's today) and does not depend on the clock the suite runs at.
"""

from datetime import time, timedelta

import pytest

from practice.auth.models import Role
from practice.cases.models import CaseStatus
from practice.cases.pauses import PauseReason, pause_joint_work
from practice.dates import local_to_utc, practice_today
from practice.extensions import db
from practice.main.agenda import agenda
from practice.progress.models import CheckIn
from practice.sessions.models import Session, SessionStatus
from tests.factories import draft_note


@pytest.fixture
def today():
    return practice_today()


@pytest.fixture
def now(today):
    return local_to_utc(today, time(10, 0))


def book(case, day, at, *, minutes=50, invitees=(), status=SessionStatus.SCHEDULED) -> Session:
    starts = local_to_utc(day, at)
    session = Session(
        case_id=case.id,
        counsellor_id=case.counsellor_id,
        starts_at=starts,
        ends_at=starts + timedelta(minutes=minutes),
        status=status,
        invitees=list(invitees),
        attendees=["a", "b"] if status is SessionStatus.ATTENDED else [],
    )
    db.session.add(session)
    db.session.commit()
    return session


def check_in(case, partner, at) -> CheckIn:
    row = CheckIn(
        case_id=case.id,
        partner_id=partner.id,
        completed_at=at,
        csi_happiness=3,
        csi_warm=3,
        csi_rewarding=3,
        csi_satisfied=3,
        csi_total=12,
        blocks={},
        entered_by_id=case.counsellor_id,
    )
    db.session.add(row)
    db.session.commit()
    return row


def visits(counsellor, now):
    return [(d.day, v.session.id) for d in agenda(counsellor, now) for v in d.visits]


def test_the_coming_week_by_day_in_order_and_nothing_outside_it(counsellor, case, today, now):
    later = book(case, today, time(14, 0))
    earlier = book(case, today, time(9, 0))
    tomorrow = book(case, today + timedelta(days=1), time(9, 0))
    book(case, today + timedelta(days=7), time(9, 0))  # a week on: beyond the agenda
    book(case, today - timedelta(days=1), time(9, 0))  # yesterday
    cancelled = book(case, today, time(16, 0), status=SessionStatus.CANCELLED)
    assert visits(counsellor, now) == [
        (today, earlier.id),
        (today, later.id),
        (today + timedelta(days=1), tomorrow.id),
    ]
    assert cancelled.id not in [s for _, s in visits(counsellor, now)]


def test_who_is_expected_is_said_by_name(counsellor, case, today, now):
    book(case, today, time(11, 0))
    book(case, today, time(12, 0), invitees=["b"])
    (day,) = agenda(counsellor, now)
    assert [v.expected for v in day.visits] == ["Alex and Jordan", "Jordan only"]


def test_check_ins_since_the_last_attended_session_are_counted_per_partner(
    counsellor, case, alex, jordan, today, now
):
    last = book(case, today - timedelta(days=7), time(9, 0), status=SessionStatus.ATTENDED)
    check_in(case, alex, last.starts_at - timedelta(days=1))  # before it: read already
    check_in(case, alex, last.starts_at + timedelta(days=2))
    check_in(case, jordan, last.starts_at + timedelta(days=3))
    check_in(case, jordan, last.starts_at + timedelta(days=5))
    book(case, today, time(11, 0))
    (day,) = agenda(counsellor, now)
    assert day.visits[0].check_ins == [("Alex", 1), ("Jordan", 2)]


def test_the_note_button_says_what_it_will_do(counsellor, case, today, now):
    done = book(case, today, time(8, 0), status=SessionStatus.ATTENDED)
    drafted = book(case, today, time(9, 0), status=SessionStatus.ATTENDED)
    draft_note(drafted)
    coming = book(case, today, time(15, 0))
    actions = {v.session.id: v.note_action for d in agenda(counsellor, now) for v in d.visits}
    assert actions == {
        done.id: "Write the note",
        drafted.id: "Continue the note",
        coming.id: "Start the note",
    }


def test_a_joint_session_while_joint_work_is_paused_is_marked(counsellor, case, today, now):
    joint = book(case, today, time(11, 0))
    alone = book(case, today, time(12, 0), invitees=["a"])
    pause_joint_work(case, PauseReason.SAFETY, "", counsellor)
    db.session.commit()
    marks = {v.session.id: v.joint_while_paused for d in agenda(counsellor, now) for v in d.visits}
    assert marks == {joint.id: True, alone.id: False}


def test_only_the_counsellors_own_open_cases_appear(
    counsellor, make_user, make_case, case, today, now
):
    other = make_user(Role.COUNSELLOR, name="Other Counsellor")
    theirs = make_case(other, ("Sam Other", "Kim Other"))
    closed = make_case(counsellor, ("Pat Closed", "Lee Closed"), status=CaseStatus.CLOSED)
    mine = book(case, today, time(11, 0))
    book(theirs, today, time(11, 0))
    book(closed, today, time(12, 0))
    assert [s for _, s in visits(counsellor, now)] == [mine.id]
    assert [s for _, s in visits(other, now)] != [mine.id]


def test_the_dashboard_shows_the_agenda_with_names_and_a_link_to_the_note(
    client, auth, counsellor, case, today
):
    tomorrow = book(case, today + timedelta(days=1), time(9, 30), invitees=["a"])
    auth.login(counsellor)
    page = client.get("/dashboard").data.decode()
    agenda_html = page[page.index('id="h-agenda"') : page.index("</section>")]
    assert "Tomorrow" in agenda_html
    assert "09:30" in agenda_html
    assert "With Alex only" in agenda_html
    assert "Partner A" not in agenda_html
    assert f"/cases/{case.id}/sessions/{tomorrow.id}/note" in agenda_html
    assert "Start the note" in agenda_html


def test_a_counsellor_with_nothing_booked_is_told_so(client, auth, counsellor, case):
    auth.login(counsellor)
    page = client.get("/dashboard").data.decode()
    assert "Nothing booked for the next 7 days" in page


def test_the_case_page_shows_the_next_session_and_the_latest_notes(
    client, auth, counsellor, case, today, now
):
    held = book(case, today - timedelta(days=14), time(9, 0), status=SessionStatus.ATTENDED)
    noted = book(case, today - timedelta(days=7), time(9, 0), status=SessionStatus.ATTENDED)
    draft_note(noted)
    book(case, today + timedelta(days=9), time(9, 0))  # later than the next one
    coming = book(case, today + timedelta(days=2), time(16, 0), invitees=["b"])
    auth.login(counsellor)
    page = client.get(f"/cases/{case.id}").data.decode()
    glance = page[page.index('id="h-sessions-glance"') :]
    glance = glance[: glance.index("</section>")]
    assert f"/sessions/{coming.id}" in glance
    assert "16:00" in glance
    assert "with Jordan only" in glance
    assert glance.index(f"/sessions/{noted.id}") < glance.index(f"/sessions/{held.id}")
    assert "draft, not signed" in glance
    assert f"/sessions/{held.id}/note" in glance  # its note is still to write


def test_a_case_with_nothing_booked_offers_to_book(client, auth, counsellor, case):
    auth.login(counsellor)
    page = client.get(f"/cases/{case.id}").data.decode()
    assert "Nothing booked." in page
    assert f"/cases/{case.id}/sessions/new" in page
