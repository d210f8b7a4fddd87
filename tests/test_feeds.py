"""Calendar feeds, read back with the icalendar package as a calendar app would."""

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from icalendar import Calendar

from practice.audit.models import AuditEvent
from practice.auth.models import Role
from practice.calendar.models import CalendarFeed
from practice.database import now_utc
from practice.extensions import db
from practice.sessions.models import Session, SessionStatus
from tests.factories import book_session, sign_in

ADDRESS = re.compile(r'id="feed-address"[^>]*value="http://localhost(/calendar/feeds/[^"]+\.ics)"')


def _session(case, days: int, hour: int = 10, **values) -> Session:
    start = now_utc().replace(hour=hour, minute=0, second=0, microsecond=0) + timedelta(days=days)
    return book_session(case, start, **values)


@pytest.fixture
def diary(make_case, counsellor):
    case = make_case(counsellor)
    return {
        "case": case,
        "next": _session(case, 2),
        "cancelled": _session(
            case, 9, status=SessionStatus.CANCELLED, cancel_reason="Ill", sequence=1
        ),
        "only_b": _session(case, 4, invitees=["b"]),
        "long_ago": _session(case, -200),
    }


def make_feed(client, url="/calendar/feed/new") -> str:
    response = client.post(url)
    assert response.status_code == 200
    return ADDRESS.search(response.data.decode()).group(1)


def events(response) -> dict[str, object]:
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    calendar = Calendar.from_ical(response.data)
    assert calendar["VERSION"] == "2.0"
    return {str(e["UID"]): e for e in calendar.walk("VEVENT")}


def test_a_counsellors_feed_shows_case_numbers_not_names(client, auth, counsellor, diary):
    auth.login(counsellor)
    path = make_feed(client)
    client.post("/logout")
    found = events(client.get(path))  # a calendar app: no login
    case = diary["case"]
    upcoming = found[f"session-{diary['next'].id}@localhost"]
    assert str(upcoming["SUMMARY"]) == f"Session: Case {case.id}"
    assert upcoming.decoded("DTSTART") == diary["next"].starts_at
    assert upcoming.decoded("DTSTART").utcoffset() == timedelta(0)
    assert "Z" in upcoming["DTSTART"].to_ical().decode()
    assert str(upcoming["STATUS"]) == "CONFIRMED"
    cancelled = found[f"session-{diary['cancelled'].id}@localhost"]
    assert str(cancelled["STATUS"]) == "CANCELLED"
    assert cancelled["SEQUENCE"] == 1
    assert f"session-{diary['only_b'].id}@localhost" in found
    assert f"session-{diary['long_ago'].id}@localhost" not in found  # beyond three months
    text = client.get(path).data.decode()
    for partner in case.partners:
        assert partner.first_name not in text
    assert "Ill" not in text  # the reason stays in Mend


def test_names_show_only_when_the_counsellor_opts_in(client, auth, counsellor, diary):
    auth.login(counsellor)
    path = make_feed(client)
    response = client.post("/calendar/feed/names", data={"show_names": "y"})
    assert response.status_code == 302
    found = events(client.get(path))
    upcoming = found[f"session-{diary['next'].id}@localhost"]
    assert str(upcoming["SUMMARY"]) == f"Session: {diary['case'].label}"
    client.post("/calendar/feed/names", data={})
    upcoming = events(client.get(path))[f"session-{diary['next'].id}@localhost"]
    assert str(upcoming["SUMMARY"]) == f"Session: Case {diary['case'].id}"


def test_the_token_is_kept_only_as_a_hash(client, auth, counsellor, diary):
    auth.login(counsellor)
    path = make_feed(client)
    token = path.rsplit("/", 1)[1].removesuffix(".ics")
    assert len(token) >= 40
    feed = db.session.scalar(sa.select(CalendarFeed))
    assert token not in feed.token_hash
    assert len(feed.token_hash) == 64
    # The address is shown once; the settings page does not show it again.
    assert token not in client.get("/calendar/feed").data.decode()


def test_revoking_stops_the_feed_at_once(client, auth, counsellor, diary):
    auth.login(counsellor)
    path = make_feed(client)
    assert client.post("/calendar/feed/revoke").status_code == 302
    response = client.get(path)
    assert response.status_code == 404
    assert b"BEGIN:VCALENDAR" not in response.data
    actions = set(db.session.scalars(sa.select(AuditEvent.action)))
    assert {"feed.create", "feed.revoke"} <= actions


def test_a_new_address_replaces_the_old_one(client, auth, counsellor, diary):
    auth.login(counsellor)
    first = make_feed(client)
    second = make_feed(client)
    assert first != second
    assert client.get(first).status_code == 404
    assert client.get(second).status_code == 200


@pytest.mark.parametrize("token", ["nope", "x" * 43, "../../etc/passwd"])
def test_an_unknown_token_is_404(client, token):
    assert client.get(f"/calendar/feeds/{token}.ics").status_code == 404


def test_a_deactivated_counsellors_feed_stops(client, auth, counsellor, diary):
    auth.login(counsellor)
    path = make_feed(client)
    counsellor.active = False
    db.session.merge(counsellor)
    db.session.commit()
    assert client.get(path).status_code == 404


def test_a_client_feed_holds_only_their_own_sessions(app, diary, make_case, make_user):
    case = diary["case"]
    partner_a, partner_b = case.partners
    other = make_case(make_user(Role.COUNSELLOR), ("Sam Other", "Robin Other"))
    theirs = _session(other, 3)
    browser = sign_in(app, partner_a.user)
    path = make_feed(browser, "/portal/appointments/feed/new")
    found = events(app.test_client().get(path))
    assert f"session-{diary['next'].id}@localhost" in found
    assert str(found[f"session-{diary['cancelled'].id}@localhost"]["STATUS"]) == "CANCELLED"
    assert f"session-{diary['only_b'].id}@localhost" not in found  # B's individual session
    assert f"session-{theirs.id}@localhost" not in found
    summary = str(found[f"session-{diary['next'].id}@localhost"]["SUMMARY"])
    assert summary.startswith("Counselling with Casey Counsellor")
    # Partner B's feed has B's individual session.
    path_b = make_feed(sign_in(app, partner_b.user), "/portal/appointments/feed/new")
    assert f"session-{diary['only_b'].id}@localhost" in events(app.test_client().get(path_b))
    # Revoking A's address leaves B's working.
    assert browser.post("/portal/appointments/feed/revoke").status_code == 302
    assert app.test_client().get(path).status_code == 404
    assert app.test_client().get(path_b).status_code == 200


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("GET", "/calendar/feed"),
        ("POST", "/calendar/feed/new"),
        ("POST", "/calendar/feed/revoke"),
        ("POST", "/calendar/feed/names"),
    ],
)
def test_clients_get_404_on_feed_admin(app, diary, method, url):
    browser = sign_in(app, diary["case"].partners[0].user)
    response = browser.get(url) if method == "GET" else browser.post(url)
    assert response.status_code == 404


def test_counsellors_cannot_use_the_client_feed_pages(app, counsellor, diary):
    """As for the rest of the portal: the page exists, a staff account may not use it."""
    browser = sign_in(app, counsellor)
    assert browser.get("/portal/appointments/").status_code == 403
    assert browser.post("/portal/appointments/feed/new").status_code == 403
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CalendarFeed)) == 0


def test_one_counsellors_feed_does_not_show_another_counsellors_sessions(
    client, auth, make_user, make_case, diary
):
    other = make_user(Role.COUNSELLOR)
    auth.login(other)
    path = make_feed(client)
    assert events(client.get(path)) == {}
