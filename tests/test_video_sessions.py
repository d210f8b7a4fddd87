"""Sessions by video: booking one, where its link comes from, who sees it, and when.

The link of a video session reaches the partners it is with (the portal's Join
button from 15 minutes before the start until the end, their reminder, their
calendar feed) and their counsellor (session pages, agenda, diary), nobody else.
"""

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from flask import g
from icalendar import Calendar

from practice.admin.models import PracticeSettings, VideoRooms
from practice.calendar.booking import Booking, book
from practice.consent.models import DocumentKind
from practice.database import now_utc
from practice.extensions import db
from practice.mail.models import OutboundEmail
from practice.reminders.due import due_reminders
from practice.reminders.models import ReminderKind
from practice.sessions import video
from practice.sessions.models import Session, SessionMode
from tests.factories import publish_consent, set_clock, sign_documents, sign_in

TEMPLATE = "https://meet.example.org/mend-{room}"
STANDING = "https://meet.example.org/casey-room"


# --- The rules, as plain values -------------------------------------------------------

START = datetime(2026, 12, 1, 17, 0, tzinfo=UTC)
END = START + timedelta(minutes=50)


@pytest.mark.parametrize(
    ("now", "open_"),
    [
        (START - timedelta(minutes=15, seconds=1), False),
        (START - timedelta(minutes=15), True),
        (START, True),
        (END - timedelta(seconds=1), True),
        (END, False),
    ],
)
def test_clients_may_join_from_a_quarter_of_an_hour_before_until_the_end(now, open_):
    assert video.join_open(START, END, now) is open_


@pytest.mark.parametrize(
    "link",
    [
        "https://meet.example.org/room",
        "https://meet.jit.si/Mend-Room_1?lang=en#config.prejoinPageEnabled=true",
        "HTTPS://video.practice.example:8443/a/b",
        "  https://meet.example.org/padded  ",
    ],
)
def test_a_good_https_link_is_kept(link):
    assert video.check_link(link) == link.strip()


@pytest.mark.parametrize(
    ("link", "says"),
    [
        ("", "Enter the link"),
        ("http://meet.example.org/room", "https://"),
        ("javascript:alert(1)", "https://"),
        ("meet.example.org/room", "https://"),
        ("ftp://meet.example.org/room", "https://"),
        ("https://", "whole address"),
        ("https://localhost/room", "whole address"),
        ("https://meet.example.org/my room", "no spaces"),
        ("https://alex:" + "pw1234@meet.example.org/room", "passwords"),  # split: not a secret
        ("https://meet.example.org/<script>", "cannot hold"),
        ("https://meet.example.org:99999/room", "not one a browser"),
        ("https://meet.example.org/" + "r" * 500, "under 500"),
    ],
)
def test_a_link_that_will_not_do_is_refused_with_a_reason(link, says):
    with pytest.raises(video.LinkProblem, match=says):
        video.check_link(link)


@pytest.mark.parametrize(
    ("template", "says"),
    [
        ("https://meet.example.org/mend", "once"),
        ("https://meet.example.org/{room}-{room}", "once"),
        ("http://meet.example.org/{room}", "https://"),
        ("{room}.example.org", "after the address"),
        ("https://meet.example.org/{room}/{other}", "cannot hold"),
    ],
)
def test_a_template_needs_one_room_in_an_https_link(template, says):
    with pytest.raises(video.LinkProblem, match=says):
        video.check_template(template)
    assert video.check_template(TEMPLATE) == TEMPLATE


def test_room_names_are_long_random_and_lower_case():
    rooms = {video.new_room() for _ in range(200)}
    assert len(rooms) == 200
    assert all(len(room) == 24 and room.isalnum() and room == room.lower() for room in rooms)


def _practice(rooms=VideoRooms.COUNSELLOR, template=None):
    return PracticeSettings(
        name="P", timezone="UTC", video_rooms=rooms, video_link_template=template
    )


def test_where_a_sessions_link_comes_from(counsellor, case):
    counsellor.video_link = STANDING
    session = Session(case=case, counsellor=counsellor, mode=SessionMode.VIDEO, video_room="abc")
    assert video.link_for(session, _practice()) == STANDING
    per_session = _practice(VideoRooms.PER_SESSION, TEMPLATE)
    assert video.link_for(session, per_session) == "https://meet.example.org/mend-abc"
    session.mode = SessionMode.IN_PERSON
    assert video.link_for(session, per_session) is None
    session.mode = SessionMode.VIDEO
    counsellor.video_link = None
    assert video.link_for(session, _practice()) is None
    db.session.rollback()


def test_video_needs_the_consent_to_video_of_both_partners(
    app, owner, counsellor, case, alex, jordan
):
    """Both signed what a session in person needs; only Alex also agreed to video."""
    assert video.video_consent_missing(case) == []  # the practice asks for nothing yet
    published = publish_consent(owner)
    sign_documents(alex, list(published.values()))
    sign_documents(jordan, [d for k, d in published.items() if k is not DocumentKind.VIDEO])
    assert video.video_consent_missing(case) == [jordan]
    browser = sign_in(app, counsellor)
    day = (now_utc() + timedelta(days=3)).date().isoformat()

    def booking(time_, mode, **more):
        data = {"form_token": f"{mode}-{time_}", "day": day, "time": time_, "duration": "50"}
        return browser.post(f"/cases/{case.id}/sessions/new", data=data | {"mode": mode} | more)

    assert booking("09:00", "in-person").status_code == 302
    refused = booking("11:00", "video")
    assert refused.status_code == 400
    assert 'id="consent_reason-error"' in refused.get_data(as_text=True)
    assert (
        booking("11:00", "video", consent_reason="Jordan abroad; agreed aloud").status_code == 302
    )
    assert booking("13:00", "video", with_whom="a").status_code == 302  # Alex alone
    sign_documents(jordan, [published[DocumentKind.VIDEO]])
    assert video.video_consent_missing(case) == []
    assert booking("15:00", "video").status_code == 302


# --- Booking by video ------------------------------------------------------------------


def booked(case, starts_at, *, invitees=(), mode=SessionMode.VIDEO, counsellor=None) -> Session:
    """A session booked through the booking service, at ``starts_at`` (UTC)."""
    booking = Booking(
        day=starts_at.date(),
        start=starts_at.time(),
        minutes=50,
        invitees=tuple(invitees),
        mode=mode,
    )
    made, _ = book(case, booking, ZoneInfo("UTC"), counsellor or case.counsellor, None)
    db.session.commit()
    return made


@pytest.fixture
def rooms_per_session(counsellor):
    db.session.add(
        PracticeSettings(
            name="Riverside",
            timezone="UTC",
            video_rooms=VideoRooms.PER_SESSION.value,
            video_link_template=TEMPLATE,
        )
    )
    counsellor.video_link = STANDING
    db.session.commit()
    g.pop("practice_settings", None)  # read afresh by the test's own context too


def test_a_session_is_booked_by_video_from_the_case_and_changed_back(app, counsellor, case):
    browser = sign_in(app, counsellor)
    day = (now_utc() + timedelta(days=3)).date().isoformat()
    response = browser.post(
        f"/cases/{case.id}/sessions/new",
        data={
            "form_token": "v" * 32,
            "day": day,
            "time": "17:00",
            "duration": "50",
            "mode": "video",
        },
    )
    assert response.status_code == 302
    session = db.session.scalar(sa.select(Session).where(Session.case_id == case.id))
    assert session.mode is SessionMode.VIDEO
    assert len(session.video_room) == 24
    page = browser.get(response.headers["Location"]).get_data(as_text=True)
    assert "Session booked by video" in page
    response = browser.post(
        f"/cases/{case.id}/sessions/{session.id}/edit",
        data={
            "day": day,
            "time": "17:00",
            "duration": "50",
            "status": "scheduled",
            "mode": "in-person",
        },
    )
    assert response.status_code == 302
    db.session.refresh(session)
    assert session.mode is SessionMode.IN_PERSON
    assert session.video_room is None


def test_a_series_by_video_gives_each_session_its_own_room(app, counsellor, case):
    browser = sign_in(app, counsellor)
    day = (now_utc() + timedelta(days=1)).date().isoformat()
    response = browser.post(
        "/calendar/new",
        data={
            "form_token": "s" * 32,
            "case": str(case.id),
            "day": day,
            "time": "09:00",
            "duration": "50",
            "repeat": "1",
            "count": "3",
            "mode": "video",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    sessions = db.session.scalars(sa.select(Session).where(Session.case_id == case.id)).all()
    assert [s.mode for s in sessions] == [SessionMode.VIDEO] * 3
    assert len({s.video_room for s in sessions}) == 3


def test_an_unknown_mode_is_refused_beside_the_field(app, counsellor, case):
    browser = sign_in(app, counsellor)
    day = (now_utc() + timedelta(days=3)).date().isoformat()
    response = browser.post(
        f"/cases/{case.id}/sessions/new",
        data={
            "form_token": "z" * 32,
            "day": day,
            "time": "17:00",
            "duration": "50",
            "mode": "zoom",
        },
    )
    assert response.status_code == 400
    assert 'id="mode-error"' in response.get_data(as_text=True)


# --- Setting the video service, and refusing bad links ------------------------------------


def _settings(**change) -> dict:
    data = {
        "name": "Riverside",
        "timezone": "UTC",
        "page_size": "A4",
        "support_resources": "Call 911.",
        "cancellation_notice_hours": "24",
        "video_rooms": "per-session",
        "video_link_template": TEMPLATE,
    }
    return data | change


def test_the_owner_sets_a_room_per_session(app, owner):
    browser = sign_in(app, owner)
    assert browser.post("/admin/settings", data=_settings()).status_code == 302
    settings = db.session.scalar(sa.select(PracticeSettings))
    assert settings.video_rooms == "per-session"
    assert settings.video_link_template == TEMPLATE


@pytest.mark.parametrize(
    ("template", "says"),
    [
        ("http://meet.example.org/{room}", "Use an https:// link"),
        ("https://meet.example.org/room", "Put {room} once"),
        ("", "Put {room} once"),
    ],
)
def test_a_bad_template_is_a_400_with_its_reason_and_the_text_kept(app, owner, template, says):
    browser = sign_in(app, owner)
    response = browser.post("/admin/settings", data=_settings(video_link_template=template))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert says in page
    assert 'id="video_link_template-error"' in page
    assert f'value="{template}"' in page or not template
    assert db.session.scalar(sa.select(PracticeSettings)) is None


def test_a_counsellor_sets_their_standing_room_on_their_account_page(app, counsellor):
    browser = sign_in(app, counsellor)
    response = browser.post("/account/video", data={"video_link": "http://meet.example.org/c"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Use an https:// link" in page
    assert 'value="http://meet.example.org/c"' in page
    assert browser.post("/account/video", data={"video_link": STANDING}).status_code == 302
    db.session.refresh(counsellor)
    assert counsellor.video_link == STANDING
    assert browser.post("/account/video", data={"video_link": ""}).status_code == 302
    db.session.refresh(counsellor)
    assert counsellor.video_link is None


def test_a_client_has_no_video_room_page(app, alex):
    assert sign_in(app, alex.user).get("/account/video").status_code == 404


# --- Who sees the link, and when ------------------------------------------------------------


def _appointments(app, partner) -> str:
    return sign_in(app, partner.user).get("/portal/appointments/").get_data(as_text=True)


def _link(session) -> str:
    return TEMPLATE.replace("{room}", session.video_room)


def test_an_individual_video_session_is_alexs_alone_link_included(
    app, counsellor, case, alex, jordan, rooms_per_session
):
    session = booked(case, now_utc() + timedelta(minutes=10), invitees=("a",))
    link = _link(session)
    alex_page, jordan_page = _appointments(app, alex), _appointments(app, jordan)
    assert link in alex_page
    assert "Join the video session" in alex_page
    assert link not in jordan_page
    assert session.video_room not in jordan_page
    assert "by video" not in jordan_page
    # Jordan's home page and Jordan's handout-free record say nothing of it either.
    assert session.video_room not in sign_in(app, jordan.user).get("/portal/").get_data(
        as_text=True
    )


def test_a_joint_video_session_gives_both_partners_the_same_link(
    app, case, alex, jordan, rooms_per_session
):
    session = booked(case, now_utc() + timedelta(minutes=5))
    alex_page, jordan_page = _appointments(app, alex), _appointments(app, jordan)
    assert _link(session) in alex_page
    assert _link(session) in jordan_page
    assert "You can each join from wherever you are" in alex_page


def test_the_join_button_shows_from_a_quarter_of_an_hour_before_until_the_end(
    app, case, alex, rooms_per_session
):
    starts = now_utc().replace(microsecond=0) + timedelta(days=2)
    session = booked(case, starts)
    link = _link(session)
    set_clock(app, starts - timedelta(minutes=16))
    page = _appointments(app, alex)
    assert link not in page
    opens = starts - timedelta(minutes=15)
    assert f"the Join button appears here from {opens:%H:%M} on the day" in page
    set_clock(app, starts - timedelta(minutes=15))
    assert link in _appointments(app, alex)
    set_clock(app, starts + timedelta(minutes=49))
    assert link in _appointments(app, alex)
    set_clock(app, starts + timedelta(minutes=50))
    assert link not in _appointments(app, alex)


def test_the_appointment_reminder_carries_the_link_to_those_expected_only(
    case, alex, jordan, rooms_per_session
):
    individual = booked(case, now_utc() + timedelta(hours=5), invitees=("a",))
    joint = booked(case, now_utc() + timedelta(hours=8))
    due = [d for d in due_reminders(now_utc()) if d.kind is ReminderKind.APPOINTMENT]
    links = {(d.partner_id, d.object_id): d.facts["video_link"] for d in due}
    assert links == {
        (alex.id, individual.id): _link(individual),
        (alex.id, joint.id): _link(joint),
        (jordan.id, joint.id): _link(joint),
    }


def test_the_reminder_email_gives_the_link(runner, case, alex, rooms_per_session):
    session = booked(case, now_utc() + timedelta(hours=5), invitees=("a",))
    assert runner.invoke(args=["send-reminders"]).exit_code == 0
    sent = db.session.scalars(sa.select(OutboundEmail)).all()
    assert [m.to for m in sent if "reminder-appointment" in m.kind] == [alex.email]
    assert _link(session) in sent[0].body
    assert "This session is by video." in sent[0].body


FEED = re.compile(r'id="feed-address"[^>]*value="http://localhost(/calendar/feeds/[^"]+\.ics)"')


def _feed(app, partner) -> dict:
    browser = sign_in(app, partner.user)
    page = browser.post("/portal/appointments/feed/new").get_data(as_text=True)
    path = FEED.search(page).group(1)
    calendar = Calendar.from_ical(app.test_client().get(path).data)
    return {str(e["UID"]).split("@")[0]: e for e in calendar.walk("VEVENT")}


def test_the_calendar_feed_carries_the_link_to_those_expected_only(
    app, case, alex, jordan, rooms_per_session
):
    individual = booked(case, now_utc() + timedelta(days=2), invitees=("a",))
    joint = booked(case, now_utc() + timedelta(days=3))
    alex_feed, jordan_feed = _feed(app, alex), _feed(app, jordan)
    assert str(alex_feed[f"session-{individual.id}"]["LOCATION"]) == _link(individual)
    assert _link(individual) in str(alex_feed[f"session-{individual.id}"]["DESCRIPTION"])
    assert f"session-{individual.id}" not in jordan_feed
    assert str(jordan_feed[f"session-{joint.id}"]["LOCATION"]) == _link(joint)


def test_the_counsellor_sees_the_link_on_the_session_pages_agenda_and_diary(
    app, counsellor, case, rooms_per_session
):
    session = booked(case, now_utc() + timedelta(hours=2))
    link = _link(session)
    browser = sign_in(app, counsellor)
    for url in (
        f"/calendar/cases/{case.id}/sessions/{session.id}",
        f"/cases/{case.id}/sessions/{session.id}",
        "/dashboard",
        "/calendar/week",
        "/calendar/day",
    ):
        assert link in browser.get(url).get_data(as_text=True), url


def test_the_owner_reading_another_counsellors_diary_gets_no_link(
    app, owner, counsellor, case, rooms_per_session
):
    session = booked(case, now_utc() + timedelta(hours=2))
    browser = sign_in(app, owner)
    for url in (f"/calendar/week?counsellor={counsellor.id}", "/calendar/practice"):
        response = browser.get(url)
        assert response.status_code == 200, url
        assert session.video_room not in response.get_data(as_text=True), url


def test_a_counsellors_standing_room_is_used_without_a_template(app, counsellor, case, alex):
    counsellor.video_link = STANDING
    db.session.commit()
    booked(case, now_utc() + timedelta(minutes=3))
    assert STANDING in _appointments(app, alex)


def test_a_video_session_without_a_room_says_so_to_the_counsellor(app, counsellor, case, alex):
    session = booked(case, now_utc() + timedelta(minutes=3))
    page = sign_in(app, counsellor).get(f"/calendar/cases/{case.id}/sessions/{session.id}")
    assert "No room link yet" in page.get_data(as_text=True)
    assert "Join the video session" not in _appointments(app, alex)


def test_partners_yet_to_agree_to_video_are_named_on_the_session_page(
    app, counsellor, case, alex, monkeypatch, rooms_per_session
):
    session = booked(case, now_utc() + timedelta(hours=3))
    monkeypatch.setattr(video, "video_consent_missing", lambda c: [alex])
    page = sign_in(app, counsellor).get(f"/calendar/cases/{case.id}/sessions/{session.id}")
    assert "Not yet agreed to sessions by video: Alex." in page.get_data(as_text=True)
