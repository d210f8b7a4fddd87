"""The counsellor's calendar: booking, series, moving, cancelling, no-shows, and who sees what."""

import re
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
from markupsafe import escape

from practice.admin.models import PracticeSettings
from practice.audit.models import AuditEvent
from practice.auth.models import Role
from practice.calendar.models import SeriesOccurrence, SessionSeries
from practice.database import now_utc
from practice.dates import practice_today
from practice.extensions import db
from practice.sessions.models import Session, SessionStatus
from tests.factories import book_session, sign_in


@pytest.fixture
def london(app):
    db.session.add(PracticeSettings(name="Mend Test", timezone="Europe/London"))
    db.session.commit()


@pytest.fixture
def as_counsellor(auth, counsellor, london):
    auth.login(counsellor)
    return counsellor


def book_data(case, **change) -> dict:
    data = {
        "form_token": "book-" + "0" * 20,
        "case": str(case.id),
        "day": "2027-03-16",
        "time": "17:00",
        "duration": "50",
        "with_whom": "all",
        "repeat": "0",
        "until": "",
        "count": "",
    }
    return data | change


def sessions() -> list[Session]:
    return list(db.session.scalars(sa.select(Session).order_by(Session.starts_at)))


def actions() -> list[str]:
    return list(db.session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)))


# --- Booking -------------------------------------------------------------------


def test_booking_one_session_from_the_calendar(client, as_counsellor, case):
    response = client.post("/calendar/new", data=book_data(case))
    assert response.status_code == 302
    assert response.headers["Location"] == "/calendar/week?start=2027-03-16"
    [session] = sessions()
    assert session.case_id == case.id
    assert session.counsellor_id == as_counsellor.id
    assert session.status is SessionStatus.SCHEDULED
    assert session.starts_at == datetime(2027, 3, 16, 17, 0, tzinfo=UTC)  # GMT in March
    assert session.ends_at == datetime(2027, 3, 16, 17, 50, tzinfo=UTC)
    assert session.invitees == []
    assert "session.schedule" in actions()
    week = client.get("/calendar/week?start=2027-03-18").data.decode()
    assert "17:00–17:50" in week
    assert escape(case.label) in week
    assert f"/calendar/cases/{case.id}/sessions/{session.id}" in week


def test_booking_twice_with_the_same_form_makes_one_session(client, as_counsellor, case):
    client.post("/calendar/new", data=book_data(case))
    client.post("/calendar/new", data=book_data(case))
    assert len(sessions()) == 1


def test_an_individual_session_is_with_one_partner(client, as_counsellor, case):
    client.post("/calendar/new", data=book_data(case, with_whom="b"))
    [session] = sessions()
    assert session.invitees == ["b"]
    assert not session.is_with("a")
    assert session.is_with("b")


def test_a_weekly_series_keeps_local_time_across_the_clock_change(client, as_counsellor, case):
    response = client.post("/calendar/new", data=book_data(case, repeat="1", count="4"))
    assert response.status_code == 302
    found = sessions()
    assert [s.starts_at.hour for s in found] == [17, 17, 16, 16]  # UTC; BST from 28 March
    series = db.session.scalar(sa.select(SessionSeries))
    assert (series.every_weeks, series.count, series.until, series.timezone) == (
        1,
        4,
        None,
        "Europe/London",
    )
    numbers = db.session.scalars(
        sa.select(SeriesOccurrence.number).order_by(SeriesOccurrence.number)
    )
    assert list(numbers) == [1, 2, 3, 4]
    assert "series.create" in actions()
    page = client.get("/calendar/week?start=2027-03-30").data.decode()
    assert "17:00–17:50" in page
    assert "repeats" in page


def test_a_fortnightly_series_up_to_a_date(client, as_counsellor, case):
    data = book_data(case, repeat="2", until="2027-04-27")
    assert client.post("/calendar/new", data=data).status_code == 302
    days = [s.starts_at.date() for s in sessions()]
    assert days == [date(2027, 3, 16), date(2027, 3, 30), date(2027, 4, 13), date(2027, 4, 27)]


# --- Refused, clearly, with what was typed kept --------------------------------


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"duration": "5"}, "duration", "Between 10 and 300 minutes."),
        ({"repeat": "1"}, "until", "A repeating session needs an end"),
        ({"repeat": "1", "until": "2027-03-01"}, "until", "before its first session"),
        ({"repeat": "1", "until": "2027-05-01", "count": "3"}, "count", "not both"),
        ({"repeat": "1", "count": "1"}, "count", "Between 2 and 52"),
        # 28 March 2027: London's clocks skip from 01:00 to 02:00.
        ({"day": "2027-03-28", "time": "01:30"}, "time", "does not exist"),
        # 31 October 2027: 01:00-02:00 happens twice.
        ({"day": "2027-10-31", "time": "01:15"}, "time", "happens twice"),
        # A weekly series that lands on the skipped hour three weeks in.
        (
            {"day": "2027-03-07", "time": "01:30", "duration": "25", "repeat": "1", "count": "4"},
            "time",
            "01:30 does not exist on 28 Mar 2027",
        ),
        ({"day": "2027-02-30"}, "day", "Give the date as YYYY-MM-DD"),
        ({"time": "25:00"}, "time", "Not a valid time"),
        ({"with_whom": "b"}, "with_whom", "only one partner"),
    ],
)
def test_bad_bookings_are_refused_beside_the_field(
    client, as_counsellor, make_case, change, field, message
):
    case = make_case(as_counsellor, ("Ola Single",)) if field == "with_whom" else None
    case = case or make_case(as_counsellor)
    response = client.post("/calendar/new", data=book_data(case, **change))
    page = response.data.decode()
    assert response.status_code == 400
    assert message in page
    assert f'id="{field}-error"' in page
    for name, value in change.items():
        if name == "with_whom":
            continue  # a one-person case offers no one else to choose
        assert f'value="{value}"' in page or f'<option selected value="{value}"' in page
    assert sessions() == []


def test_double_booking_is_refused_with_the_clash_named(client, as_counsellor, case, make_case):
    client.post("/calendar/new", data=book_data(case))
    other = make_case(as_counsellor, ("Robin Lake", "Sasha Lake"))
    data = book_data(other, form_token="second-" + "0" * 20, time="17:30")
    response = client.post("/calendar/new", data=data)
    page = response.data.decode()
    assert response.status_code == 400
    assert (
        f"That overlaps your session with {escape(case.label)} on 16 Mar at 17:00–17:50. "
        "Choose another time." in page
    )
    assert len(sessions()) == 1


def test_a_series_that_would_clash_once_books_nothing(client, as_counsellor, case, make_case):
    client.post("/calendar/new", data=book_data(case, day="2027-03-30"))
    other = make_case(as_counsellor, ("Robin Lake", "Sasha Lake"))
    data = book_data(other, form_token="series-" + "0" * 20, repeat="1", count="4")
    response = client.post("/calendar/new", data=data)
    assert response.status_code == 400
    assert (
        f"That overlaps your session with {escape(case.label)} on 30 Mar at 17:00–17:50."
        in response.data.decode()
    )
    assert len(sessions()) == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SessionSeries)) == 0


def test_an_invalid_practice_time_zone_stops_booking_with_a_clear_message(
    client, as_counsellor, case
):
    settings = db.session.scalar(sa.select(PracticeSettings))
    settings.timezone = "Mars/Olympus"
    db.session.commit()
    response = client.post("/calendar/new", data=book_data(case))
    assert response.status_code == 400
    assert "“Mars/Olympus” is not one Mend knows" in response.data.decode()
    assert sessions() == []
    assert "not one Mend knows" in client.get("/calendar/week").data.decode()


@pytest.mark.parametrize(
    "url",
    [
        "/calendar/week?start=2027-13-01",
        "/calendar/week?start=yesterday",
        "/calendar/day?date=2027-02-30",
        "/calendar/week?counsellor=abc",
    ],
)
def test_a_bad_date_in_the_address_is_a_400_that_says_so(client, as_counsellor, url):
    response = client.get(url)
    assert response.status_code == 400
    page = response.data.decode()
    assert "Give the date as YYYY-MM-DD" in page or "Not a valid integer" in page


def test_a_case_of_another_counsellor_cannot_be_booked(client, as_counsellor, make_user, make_case):
    theirs = make_case(make_user(Role.COUNSELLOR))
    response = client.post("/calendar/new", data=book_data(theirs))
    assert response.status_code == 400
    assert "Not a valid choice" in response.data.decode()
    assert sessions() == []


# --- Moving, cancelling, no-shows, ending a series -------------------------------


def _series(client, case, count="4"):
    client.post("/calendar/new", data=book_data(case, repeat="1", count=count))
    return sessions()


def test_moving_one_session_of_a_series_leaves_the_rest(client, as_counsellor, case):
    first, second, third, fourth = _series(client, case)
    url = f"/calendar/cases/{case.id}/sessions/{second.id}/move"
    form = client.get(url).data.decode()
    assert 'value="2027-03-23"' in form
    assert 'value="17:00"' in form
    response = client.post(url, data={"day": "2027-03-25", "time": "10:00", "duration": "50"})
    assert response.status_code == 302
    db.session.refresh(second)
    assert second.starts_at == datetime(2027, 3, 25, 10, 0, tzinfo=UTC)
    assert second.moved_from == datetime(2027, 3, 23, 17, 0, tzinfo=UTC)
    assert second.sequence == 1
    assert [s.starts_at for s in (first, third, fourth)] == [
        datetime(2027, 3, 16, 17, 0, tzinfo=UTC),
        datetime(2027, 3, 30, 16, 0, tzinfo=UTC),
        datetime(2027, 4, 6, 16, 0, tzinfo=UTC),
    ]
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "session.move"))
    assert event.object_id == second.id
    assert event.case_id == case.id


def test_a_move_onto_another_session_is_refused_naming_it(client, as_counsellor, case):
    first, second, *_ = _series(client, case)
    url = f"/calendar/cases/{case.id}/sessions/{second.id}/move"
    response = client.post(url, data={"day": "2027-03-16", "time": "17:20", "duration": "50"})
    assert response.status_code == 400
    assert (
        f"That overlaps your session with {escape(case.label)} on 16 Mar at 17:00–17:50. "
        "Choose another time." in response.data.decode()
    )
    db.session.refresh(second)
    assert second.moved_from is None


def test_a_move_to_the_same_time_is_not_a_clash_with_itself(client, as_counsellor, case):
    client.post("/calendar/new", data=book_data(case))
    [session] = sessions()
    url = f"/calendar/cases/{case.id}/sessions/{session.id}/move"
    response = client.post(url, data={"day": "2027-03-16", "time": "17:10", "duration": "50"})
    assert response.status_code == 302


def test_cancelling_one_session_with_a_reason(client, as_counsellor, case):
    first, second, third, _ = _series(client, case)
    url = f"/calendar/cases/{case.id}/sessions/{third.id}/cancel"
    assert "Skip or cancel" in client.get(url).data.decode()
    response = client.post(url, data={"reason": "Away at a family wedding"})
    assert response.status_code == 302
    db.session.refresh(third)
    assert third.status is SessionStatus.CANCELLED
    assert third.cancel_reason == "Away at a family wedding"
    assert third.late_cancel is False
    assert third.cancelled_at is not None
    assert third.sequence == 1
    assert {s.status for s in (first, second)} == {SessionStatus.SCHEDULED}
    # The freed hour can be booked again.
    data = book_data(case, form_token="again-" + "0" * 20, day="2027-03-30")
    assert client.post("/calendar/new", data=data).status_code == 302
    assert "session.cancel" in actions()


def test_a_cancellation_needs_a_reason(client, as_counsellor, case):
    client.post("/calendar/new", data=book_data(case))
    [session] = sessions()
    url = f"/calendar/cases/{case.id}/sessions/{session.id}/cancel"
    response = client.post(url, data={"reason": "  "})
    assert response.status_code == 400
    assert "Say why the session is cancelled." in response.data.decode()


def _session_in(case, hours: float) -> Session:
    return book_session(case, now_utc().replace(microsecond=0) + timedelta(hours=hours))


def test_short_notice_is_offered_as_a_late_cancellation(client, as_counsellor, case):
    later = _session_in(case, 72)
    url = f"/calendar/cases/{case.id}/sessions/{later.id}/cancel"
    assert not re.search(r'<input checked[^>]*id="late"', client.get(url).data.decode())
    session = _session_in(case, 3)
    url = f"/calendar/cases/{case.id}/sessions/{session.id}/cancel"
    assert re.search(r'<input checked[^>]*id="late"', client.get(url).data.decode())
    client.post(url, data={"reason": "Child ill", "late": "y"})
    db.session.refresh(session)
    assert session.late_cancel is True
    assert session.status_label == "Cancelled late"
    page = client.get(f"/calendar/cases/{case.id}/sessions/{session.id}").data.decode()
    assert "late cancellation" in page


def test_a_cancelled_session_cannot_be_moved_or_cancelled_again(client, as_counsellor, case):
    client.post("/calendar/new", data=book_data(case))
    [session] = sessions()
    base = f"/calendar/cases/{case.id}/sessions/{session.id}"
    client.post(f"{base}/cancel", data={"reason": "Ill"})
    response = client.post(f"{base}/cancel", data={"reason": "Again"})
    assert response.status_code == 400
    assert "is cancelled, so it cannot be cancelled" in response.data.decode()
    response = client.post(
        f"{base}/move", data={"day": "2027-03-17", "time": "9:00", "duration": "50"}
    )
    assert response.status_code == 400
    db.session.refresh(session)
    assert session.cancel_reason == "Ill"


def test_no_show_only_once_the_session_has_begun(client, as_counsellor, case):
    yesterday = practice_today() - timedelta(days=1)
    client.post("/calendar/new", data=book_data(case, day=yesterday.isoformat()))
    client.post("/calendar/new", data=book_data(case, form_token="later-" + "0" * 20))
    past, future = sessions()
    response = client.post(f"/calendar/cases/{case.id}/sessions/{future.id}/no-show")
    assert response.status_code == 303
    db.session.refresh(future)
    assert future.status is SessionStatus.SCHEDULED
    response = client.post(f"/calendar/cases/{case.id}/sessions/{past.id}/no-show")
    assert response.status_code == 302
    db.session.refresh(past)
    assert past.status is SessionStatus.NO_SHOW
    assert "session.no_show" in actions()


def test_ending_a_series_cancels_the_later_sessions(client, as_counsellor, case):
    first, second, third, fourth = _series(client, case)
    series = db.session.scalar(sa.select(SessionSeries))
    url = f"/calendar/cases/{case.id}/series/{series.id}"
    page = client.get(url).data.decode()
    assert "Every week with" in page
    response = client.post(url, data={"after": "2027-03-23"})
    assert response.status_code == 302
    for s in (first, second, third, fourth):
        db.session.refresh(s)
    assert [s.status for s in (first, second, third, fourth)] == [
        SessionStatus.SCHEDULED,
        SessionStatus.SCHEDULED,
        SessionStatus.CANCELLED,
        SessionStatus.CANCELLED,
    ]
    assert third.cancel_reason == "The series was ended early."
    db.session.refresh(series)
    assert series.ended_on == date(2027, 3, 23)
    assert "series.end" in actions()


# --- Who sees which diary --------------------------------------------------------


@pytest.fixture
def booked(make_user, make_case, owner, london):
    """Casey's weekly series with the Morgans, and what everyone else is."""
    casey = make_user(Role.COUNSELLOR, name="Casey Counsellor")
    other = make_user(Role.COUNSELLOR, name="Olu Other")
    case = make_case(casey)
    theirs = make_case(other, ("Sam Other", "Robin Other"))
    today = practice_today()
    for n in range(2):
        db.session.add(
            Session(
                case_id=case.id,
                counsellor_id=casey.id,
                starts_at=datetime.combine(today + timedelta(days=n), datetime.min.time(), UTC)
                + timedelta(hours=12),
                ends_at=datetime.combine(today + timedelta(days=n), datetime.min.time(), UTC)
                + timedelta(hours=13),
            )
        )
    db.session.add(
        SessionSeries(
            case_id=case.id,
            counsellor_id=casey.id,
            every_weeks=1,
            first_day=today,
            start_time=datetime.min.time(),
            duration_minutes=50,
            timezone="Europe/London",
            count=2,
            created_by_id=casey.id,
        )
    )
    db.session.commit()
    series = db.session.scalar(sa.select(SessionSeries))
    session = sessions()[0]
    users = {
        "counsellor": casey,
        "other counsellor": other,
        "owner": owner,
        "partner a": case.partners[0].user,
        "other couple": theirs.partners[0].user,
    }
    return {"case": case, "session": session, "series": series, "users": users}


SESSION_URLS = [
    ("GET", "/calendar/cases/{case}/sessions/{session}"),
    ("GET", "/calendar/cases/{case}/sessions/{session}/move"),
    ("POST", "/calendar/cases/{case}/sessions/{session}/move"),
    ("GET", "/calendar/cases/{case}/sessions/{session}/cancel"),
    ("POST", "/calendar/cases/{case}/sessions/{session}/cancel"),
    ("POST", "/calendar/cases/{case}/sessions/{session}/no-show"),
    ("GET", "/calendar/cases/{case}/series/{series}"),
    ("POST", "/calendar/cases/{case}/series/{series}"),
]


@pytest.mark.parametrize(("method", "url"), SESSION_URLS)
@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("counsellor", {200, 302, 303, 400}),
        ("other counsellor", {404}),
        ("owner", {404}),
        ("partner a", {404}),
        ("other couple", {404}),
    ],
)
def test_only_the_cases_counsellor_reaches_its_sessions_in_the_calendar(
    app, booked, method, url, who, expected
):
    browser = sign_in(app, booked["users"][who])
    url = url.format(
        case=booked["case"].id, session=booked["session"].id, series=booked["series"].id
    )
    response = browser.get(url) if method == "GET" else browser.post(url, data={})
    assert response.status_code in expected, (who, url, response.status_code)


@pytest.mark.parametrize(
    "url",
    [
        "/calendar/week",
        "/calendar/day",
        "/calendar/new",
        "/calendar/feed",
        "/calendar/practice",
        "/calendar/feed/new",
    ],
)
@pytest.mark.parametrize("who", ["partner a", "other couple"])
def test_clients_never_reach_the_calendar(app, booked, url, who):
    browser = sign_in(app, booked["users"][who])
    response = browser.get(url) if not url.endswith("/new") or "feed" not in url else None
    response = response or browser.post(url, data={})
    assert response.status_code == 404


def test_a_counsellor_cannot_read_another_counsellors_diary(app, booked):
    other = booked["users"]["other counsellor"]
    browser = sign_in(app, other)
    casey = booked["users"]["counsellor"]
    assert browser.get(f"/calendar/week?counsellor={casey.id}").status_code == 404
    assert browser.get(f"/calendar/day?counsellor={casey.id}").status_code == 404
    assert browser.get("/calendar/practice").status_code == 403
    assert escape(booked["case"].label) not in browser.get("/calendar/week").data.decode()


def test_the_owner_sees_every_diary_but_no_clinical_link(app, booked):
    browser = sign_in(app, booked["users"]["owner"])
    casey = booked["users"]["counsellor"]
    case = booked["case"]
    page = browser.get("/calendar/practice").data.decode()
    assert "Casey Counsellor" in page
    assert "Olu Other" in page
    assert escape(case.label) in page
    assert f"/cases/{case.id}" not in page
    week = browser.get(f"/calendar/week?counsellor={casey.id}")
    assert week.status_code == 200
    text = week.data.decode()
    assert escape(case.label) in text
    assert f"/calendar/cases/{case.id}/sessions/" not in text
    assert "Times and case labels" in text
    assert browser.get(f"/calendar/week?counsellor={case.partners[0].user_id}").status_code == 404
    assert browser.get("/calendar/week?counsellor=999999").status_code == 404


def test_the_diary_reads_a_fixed_number_of_queries(app, booked, count_queries, make_case):
    casey = booked["users"]["counsellor"]
    for n in range(5):
        extra = make_case(casey, (f"Extra {n}", f"Partner {n}"))
        start = now_utc() + timedelta(hours=2 + n)
        db.session.add(
            Session(
                case_id=extra.id,
                counsellor_id=casey.id,
                starts_at=start,
                ends_at=start + timedelta(minutes=30),
            )
        )
    db.session.commit()
    browser = sign_in(app, casey)
    with count_queries() as few:
        browser.get("/calendar/week")
    browser2 = sign_in(app, booked["users"]["owner"])
    with count_queries() as owner_queries:
        browser2.get("/calendar/practice")
    assert len(few) <= 8, few
    assert len(owner_queries) <= 8, owner_queries
