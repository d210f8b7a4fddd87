"""Check-ins asked on the schedule a counsellor sets per case: what is due when, on the
fixed clock; the portal's prompt and the reminder follow it; each partner counts their
own sessions."""

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from practice.cases.models import Partner
from practice.extensions import db
from practice.mail.models import OutboundEmail
from practice.progress.checkins import (
    asked_how_often,
    check_in_due,
    schedule_words,
    sessions_since,
)
from practice.progress.models import CheckIn, CheckInSchedule
from practice.progress.services import set_check_in_schedule
from practice.reminders.due import due_reminders
from practice.reminders.models import ReminderKind
from practice.reminders.sending import send_reminders
from practice.sessions.models import Session, SessionStatus
from tests.factories import add_check_in, add_session, book_session

NOW = datetime(2027, 3, 15, 12, 0, tzinfo=UTC)  # a Monday, noon in London (GMT)


# --- The rule, by hand -----------------------------------------------------------


def test_sessions_since_the_last_check_in():
    came = [NOW - timedelta(days=d) for d in (21, 14, 7)]
    assert sessions_since(came, None) is None  # never checked in
    assert sessions_since(came, NOW - timedelta(days=30)) == 3
    assert sessions_since(came, NOW - timedelta(days=10)) == 1
    assert sessions_since(came, NOW - timedelta(days=7)) == 0  # at the session itself
    assert sessions_since([], NOW - timedelta(days=1)) == 0


@pytest.mark.parametrize(
    ("every", "came_since", "due"),
    [
        (1, None, True),  # never checked in: asked, whatever the schedule
        (3, None, True),
        (0, None, False),  # not scheduled: never asked
        (0, 9, False),
        (1, 0, False),  # checked in since the last session
        (1, 1, True),
        (2, 1, False),  # every second session: one since is not enough
        (2, 2, True),
        (2, 3, True),  # missed one: still asked
        (3, 2, False),
        (3, 3, True),
        (6, 5, False),
        (6, 6, True),
    ],
)
def test_what_the_schedule_asks_before_a_near_session(every, came_since, due):
    assert check_in_due(NOW, NOW + timedelta(days=2), came_since, every) is due


@pytest.mark.parametrize("every", [0, 1, 2, 6])
def test_nothing_is_asked_when_no_session_is_near(every):
    assert not check_in_due(NOW, NOW + timedelta(days=4), None, every)
    assert not check_in_due(NOW, None, None, every)
    assert not check_in_due(NOW, NOW - timedelta(hours=3), None, every)


def test_the_schedule_in_words():
    assert schedule_words(1) == "Before every session"
    assert schedule_words(3) == "Before every third session"
    assert schedule_words(0).startswith("Not scheduled")
    assert asked_how_often(1) == ""
    assert asked_how_often(0) == ""
    assert asked_how_often(2) == "every second session"


# --- What is due when, for a case ------------------------------------------------


@pytest.fixture
def case(make_case, counsellor, london):
    return make_case(counsellor)


def held(case, days_ago, came=("a", "b"), with_whom=()) -> Session:
    return book_session(
        case,
        NOW - timedelta(days=days_ago),
        status=SessionStatus.ATTENDED,
        attendees=list(came),
        invitees=list(with_whom),
    )


def checked_in(partner, days_ago) -> None:
    db.session.add(
        CheckIn(
            case_id=partner.case_id,
            partner_id=partner.id,
            completed_at=NOW - timedelta(days=days_ago),
            csi_happiness=3,
            csi_warm=3,
            csi_rewarding=3,
            csi_satisfied=3,
            csi_total=12,
            blocks={},
            entered_by_id=partner.user_id,
        )
    )
    db.session.commit()


def asked(now=NOW) -> set[str]:
    """The positions of the partners a check-in request is due to at ``now``."""
    due = [d for d in due_reminders(now) if d.kind is ReminderKind.CHECK_IN]
    return {db.session.get(Partner, d.partner_id).position for d in due}


def schedule(case, every, counsellor) -> None:
    set_check_in_schedule(case, every, counsellor.id)
    db.session.commit()


def test_every_second_session_counts_each_partners_own(case, counsellor):
    """Both checked in before session 1. With A's individual session since, A has come to
    two sessions and B to one: before the next joint session, only A is asked."""
    a, b = case.partners
    checked_in(a, 16)
    checked_in(b, 16)
    held(case, 15)
    held(case, 6, came=("a",), with_whom=("a",))
    book_session(case, NOW + timedelta(days=2))
    assert asked() == {"a", "b"}  # the default: before every session
    schedule(case, 2, counsellor)
    assert asked() == {"a"}
    schedule(case, 3, counsellor)
    assert asked() == set()
    schedule(case, 0, counsellor)
    assert asked() == set()


def test_a_partner_who_never_checked_in_is_asked_whatever_the_n(case, counsellor):
    a, b = case.partners
    checked_in(a, 9)
    held(case, 8)
    book_session(case, NOW + timedelta(days=1))
    schedule(case, 4, counsellor)
    assert asked() == {"b"}  # A came to one session since: not yet; B never checked in
    assert asked(NOW - timedelta(days=3)) == set()  # too early: more than 3 days ahead


def test_every_second_session_over_a_course(case, counsellor):
    """Sessions weekly; each partner checks in whenever asked. Asked before sessions 1, 3, 5."""
    a, b = case.partners
    schedule(case, 2, counsellor)
    asked_before = []
    for week in range(5):
        starts = NOW + timedelta(weeks=week, days=2)
        session = book_session(case, starts)
        moment = starts - timedelta(days=1)
        if {d.partner_id for d in due_reminders(moment) if d.kind is ReminderKind.CHECK_IN}:
            asked_before.append(week + 1)
            for partner in (a, b):
                db.session.add(
                    CheckIn(
                        case_id=case.id,
                        partner_id=partner.id,
                        completed_at=moment,
                        csi_happiness=3,
                        csi_warm=3,
                        csi_rewarding=3,
                        csi_satisfied=3,
                        csi_total=12,
                        blocks={},
                        entered_by_id=partner.user_id,
                    )
                )
        session.status = SessionStatus.ATTENDED
        session.attendees = ["a", "b"]
        db.session.commit()
    assert asked_before == [1, 3, 5]


def test_the_reminder_names_the_schedule_and_nothing_clinical(case, counsellor):
    a, b = case.partners
    checked_in(a, 30)
    checked_in(b, 30)
    held(case, 20)
    held(case, 6)
    book_session(case, NOW + timedelta(days=2))
    schedule(case, 2, counsellor)
    outcome = send_reminders(NOW)
    assert outcome.sent[ReminderKind.CHECK_IN] == 2
    messages = {
        m.to: m
        for m in db.session.scalars(
            sa.select(OutboundEmail).where(OutboundEmail.kind == "reminder-check-in")
        )
    }
    mine = messages[a.email].body
    assert "Dear Alex," in mine
    assert "before every second session, and this is" in mine
    assert "Jordan" not in mine
    for clinical in ("CSI", "score", "distress", "reliable", "13.5"):
        assert clinical not in mine


ASK = "Your next session is coming up. Would you take five minutes to check in first?"


def test_the_portal_asks_only_when_the_schedule_does(client, auth, make_case, counsellor):
    """On the suite's own clock, which the portal reads."""
    case = make_case(counsellor)
    a, _ = case.partners
    add_check_in(a, -10, (3, 3, 3, 3))
    add_session(case, -7)
    add_session(case, 2, status=SessionStatus.SCHEDULED)
    auth.login(a.user)
    assert ASK in client.get("/portal/").get_data(as_text=True)
    schedule(case, 2, counsellor)
    assert ASK not in client.get("/portal/").get_data(as_text=True)
    schedule(case, 1, counsellor)
    assert ASK in client.get("/portal/").get_data(as_text=True)
    schedule(case, 0, counsellor)
    assert ASK not in client.get("/portal/").get_data(as_text=True)
    # Not asked is not refused: the partner may still check in from the page.
    assert client.get("/portal/checkin").status_code == 200


# --- Setting the schedule ---------------------------------------------------------


def test_the_counsellor_sets_the_schedule_on_the_progress_page(client, auth, case, counsellor):
    auth.login(counsellor)
    page = client.get(f"/cases/{case.id}/progress").get_data(as_text=True)
    assert "Now: <strong>Before every session</strong>" in page
    response = client.post(f"/cases/{case.id}/checkins/schedule", data={"every": "3"})
    assert response.status_code == 302
    assert db.session.get(CheckInSchedule, case.id).every == 3
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Now: <strong>Before every third session</strong>" in page
    client.post(f"/cases/{case.id}/checkins/schedule", data={"every": "0"})
    assert db.session.get(CheckInSchedule, case.id).every == 0


@pytest.mark.parametrize("every", ["7", "-1", "x", ""])
def test_a_bad_schedule_is_400_beside_the_field(client, auth, case, counsellor, every):
    auth.login(counsellor)
    response = client.post(f"/cases/{case.id}/checkins/schedule", data={"every": every})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'id="every-error"' in page
    assert db.session.get(CheckInSchedule, case.id) is None
