"""One booking form and one scheduling service, from the calendar and from a case.

The calendar (``/calendar/new``) and a case (``/cases/<id>/sessions/new``) book
with the same form, through the same service (``practice.calendar.booking``):
the same records, the same clash rule and message, who is expected by name.
"""

import re
from datetime import date, time, timedelta

import pytest
import sqlalchemy as sa
from markupsafe import escape

from practice.admin.models import PracticeSettings
from practice.audit.models import AuditEvent
from practice.auth.models import Role
from practice.calendar.booking import Booking, slots_for
from practice.calendar.models import SessionSeries
from practice.calendar.recurrence import ScheduleError, zone_named
from practice.dates import practice_today
from practice.extensions import db
from practice.sessions.models import Session, SessionStatus

DAY = date(2027, 3, 16)  # a Tuesday, in London's winter time (UTC+0)
LONDON = "Europe/London"


@pytest.fixture
def as_counsellor(auth, counsellor):
    db.session.add(PracticeSettings(name="Mend Test", timezone=LONDON))
    db.session.commit()
    auth.login(counsellor)
    return counsellor


def form_data(case=None, **change) -> dict:
    """The one form's fields; ``case`` only when booking from the calendar."""
    data = {
        "form_token": "book-" + "0" * 20,
        "day": DAY.isoformat(),
        "time": "17:00",
        "duration": "50",
        "with_whom": "all",
        "repeat": "0",
        "until": "",
        "count": "",
    }
    if case is not None:
        data["case"] = str(case.id)
    else:
        data["status"] = "scheduled"
    return data | change


def from_calendar(client, case, **change):
    return client.post("/calendar/new", data=form_data(case, **change))


def from_case(client, case, **change):
    return client.post(f"/cases/{case.id}/sessions/new", data=form_data(**change))


BOTH_WAYS = pytest.mark.parametrize("book", [from_calendar, from_case], ids=["calendar", "case"])


def sessions() -> list[Session]:
    return list(db.session.scalars(sa.select(Session).order_by(Session.starts_at, Session.id)))


def record(session: Session) -> dict:
    """A booked session's facts, without what tells one row from another."""
    return {
        "case_id": session.case_id,
        "counsellor_id": session.counsellor_id,
        "starts_at": session.starts_at,
        "ends_at": session.ends_at,
        "status": session.status,
        "invitees": session.invitees,
        "attendees": session.attendees,
        "sequence": session.sequence,
    }


def test_booking_from_the_calendar_and_from_the_case_makes_the_same_record(
    client, as_counsellor, case
):
    assert from_calendar(client, case).status_code == 302
    [by_calendar] = sessions()
    made = record(by_calendar)
    db.session.delete(by_calendar)
    db.session.commit()
    assert from_case(client, case, form_token="case-" + "0" * 20).status_code == 302
    [by_case] = sessions()
    assert record(by_case) == made
    actions = db.session.scalars(sa.select(AuditEvent.action)).all()
    assert actions.count("session.schedule") == 2


@BOTH_WAYS
def test_a_weekly_series_from_either_place(client, as_counsellor, case, book):
    response = book(client, case, repeat="1", count="4")
    assert response.status_code == 302, response.data.decode()
    assert len(sessions()) == 4
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SessionSeries)) == 1
    page = client.get(response.headers["Location"], follow_redirects=True).data.decode()
    assert "4 sessions booked with" in page


@pytest.mark.parametrize(
    ("first", "second"),
    [(from_calendar, from_case), (from_case, from_calendar), (from_case, from_case)],
    ids=["calendar-then-case", "case-then-calendar", "case-then-case"],
)
def test_the_same_clash_is_refused_with_the_same_message(
    client, as_counsellor, case, make_case, first, second
):
    assert first(client, case).status_code == 302
    other = make_case(as_counsellor, ("Robin Lake", "Sasha Lake"))
    response = second(client, other, form_token="again-" + "0" * 20, time="17:30")
    page = response.data.decode()
    assert response.status_code == 400
    assert (
        f'id="time-error" class="invalid-feedback d-block">That overlaps your session with '
        f"{escape(case.label)} on 16 Mar at 17:00–17:50. Choose another time." in page
    )
    assert 'value="17:30"' in page
    assert len(sessions()) == 1


def test_moving_in_the_diary_meets_the_same_clash_message(client, as_counsellor, case):
    from_calendar(client, case)
    from_case(client, case, form_token="later-" + "0" * 20, time="19:00")
    later = sessions()[1]
    response = client.post(
        f"/calendar/cases/{case.id}/sessions/{later.id}/move",
        data={"day": DAY.isoformat(), "time": "17:20", "duration": "50"},
    )
    assert response.status_code == 400
    assert (
        f"That overlaps your session with {escape(case.label)} on 16 Mar at 17:00–17:50. "
        "Choose another time." in response.data.decode()
    )


@BOTH_WAYS
def test_one_partner_only_is_stored_and_shown_by_name(client, as_counsellor, case, book):
    response = book(client, case, with_whom="a")
    assert response.status_code == 302
    [session] = sessions()
    assert session.invitees == ["a"]
    shown = client.get(f"/cases/{case.id}/sessions/{session.id}").data.decode()
    assert f"Session booked with Alex only ({escape(case.label)})." in shown
    assert "with Alex only" in shown
    diary = client.get(f"/calendar/cases/{case.id}/sessions/{session.id}").data.decode()
    assert "With Alex only" in diary
    week = client.get(f"/calendar/week?start={DAY.isoformat()}").data.decode()
    assert "Alex only" in week


def test_both_booking_forms_name_who_is_expected(client, as_counsellor, case):
    pages = [
        client.get(f"/calendar/new?case={case.id}").data.decode(),
        client.get(f"/cases/{case.id}/sessions/new").data.decode(),
    ]
    for page in pages:
        assert "Who is expected" in page
        for name in ("Alex and Jordan", "Alex only", "Jordan only"):
            assert name in page
        assert not re.search(r"Partner [AB]\b", page)


def test_the_calendar_asks_for_the_case_first(client, as_counsellor, case):
    page = client.get("/calendar/new?date=2027-03-16").data.decode()
    assert 'name="case"' in page
    assert 'name="with_whom"' not in page
    assert 'value="2027-03-16"' in page


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("GET", "/cases/{case}/sessions/new"),
        ("POST", "/cases/{case}/sessions/new"),
        ("GET", "/calendar/new?case={case}"),
    ],
)
def test_another_counsellors_case_is_404(client, as_counsellor, make_user, make_case, method, url):
    theirs = make_case(make_user(Role.COUNSELLOR))
    address = url.format(case=theirs.id)
    response = client.get(address) if method == "GET" else client.post(address, data=form_data())
    assert response.status_code == 404
    assert sessions() == []


@BOTH_WAYS
@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"duration": "5"}, "duration", "Between 10 and 300 minutes."),
        ({"time": ""}, "time", "Enter the start time."),
        ({"day": "2027-02-30"}, "day", "Give the date as YYYY-MM-DD"),
        ({"day": "2027-03-28", "time": "01:30"}, "time", "does not exist"),
        ({"repeat": "1"}, "until", "A repeating session needs an end"),
        ({"with_whom": "c"}, "with_whom", "Choose who is expected"),
    ],
    ids=["too-short", "no-time", "no-such-day", "skipped-hour", "endless", "stranger"],
)
def test_bad_input_is_400_beside_the_field_with_what_was_typed(
    client, as_counsellor, case, book, change, field, message
):
    response = book(client, case, **change)
    page = response.data.decode()
    assert response.status_code == 400
    assert re.search(
        rf'id="{field}-error" class="invalid-feedback d-block">[^<]*{re.escape(message)}', page
    ), page
    for name, value in change.items():
        if value and name != "with_whom":
            assert f'value="{value}"' in page or f'<option selected value="{value}"' in page
    assert sessions() == []


def test_recording_an_attended_session_from_the_case_still_works(client, as_counsellor, case):
    yesterday = practice_today() - timedelta(days=1)
    response = from_case(
        client,
        case,
        day=yesterday.isoformat(),
        time="10:00",
        status="attended",
        attendees=["b"],
    )
    assert response.status_code == 302
    [session] = sessions()
    assert session.status is SessionStatus.ATTENDED
    assert session.attendees == ["b"]
    page = client.get(response.headers["Location"]).data.decode()
    assert "Write the note while it is fresh." in page


def test_a_session_to_come_has_nobody_who_came(client, as_counsellor, case):
    """The case's form comes with everyone ticked under "Who came", for recording a
    session just held; a session booked ahead keeps no one as having come."""
    response = from_case(client, case, attendees=["a", "b"])
    assert response.status_code == 302
    [session] = sessions()
    assert session.status is SessionStatus.SCHEDULED
    assert session.attendees == []
    page = client.get(response.headers["Location"]).data.decode()
    assert "came:" not in page


def test_one_partners_session_to_come_is_booked_with_everyone_still_ticked(
    client, as_counsellor, case
):
    """Booking Alex alone from the case, the "Who came" ticks the form starts with are
    left as they are: they belong to a session held, not to one still to come."""
    response = from_case(client, case, with_whom="a", attendees=["a", "b"])
    assert response.status_code == 302, response.data.decode()[:2000]
    [session] = sessions()
    assert (session.invitees, session.attendees) == (["a"], [])


def test_a_recorded_session_does_not_repeat(client, as_counsellor, case):
    yesterday = practice_today() - timedelta(days=1)
    response = from_case(
        client, case, day=yesterday.isoformat(), status="attended", repeat="1", count="3"
    )
    assert response.status_code == 400
    assert "Only sessions still to come repeat" in response.data.decode()
    assert sessions() == []


# --- The service itself, over plain values -------------------------------------


def test_the_service_refuses_a_clash_without_any_form(app, counsellor, case):
    zone = zone_named(LONDON)
    booked = Booking(day=DAY, start=time(17, 0), minutes=50)
    [wanted] = slots_for(case, booked, zone)
    db.session.add(
        Session(
            case=case,
            counsellor_id=case.counsellor_id,
            starts_at=wanted.starts_at,
            ends_at=wanted.ends_at,
        )
    )
    db.session.flush()
    with pytest.raises(ScheduleError) as refused:
        slots_for(case, Booking(day=DAY, start=time(17, 45), minutes=30), zone)
    assert refused.value.field == "time"
    assert "That overlaps your session with" in str(refused.value)
    # Cancelled and no-show sessions hold no place in the diary.
    cancelled = Booking(day=DAY, start=time(17, 0), minutes=50, status=SessionStatus.CANCELLED)
    assert slots_for(case, cancelled, zone)
