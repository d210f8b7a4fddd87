"""Sessions with a case: scheduling, recording, listing, changing, and who may reach them."""

import io
import re
from datetime import UTC, datetime, time, timedelta

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from practice.admin.models import PracticeSettings
from practice.audit.models import AuditEvent
from practice.auth.models import Role
from practice.database import now_utc
from practice.dates import practice_today
from practice.extensions import db
from practice.sessions.models import Addendum, Note, NoteTemplate, Session, SessionStatus
from tests.conftest import PASSWORD

HANDOUT = "We practised slowing the cycle down and noticing the pause"


@pytest.fixture
def as_counsellor(auth, counsellor):
    auth.login(counsellor)
    return counsellor


def at(days: int, hour: int = 10, minute: int = 0) -> datetime:
    """A UTC moment ``days`` from today (the practice's zone is UTC unless a test sets one)."""
    return datetime.combine(practice_today() + timedelta(days=days), time(hour, minute), tzinfo=UTC)


def add_session(
    case, days, hour=10, *, status=SessionStatus.ATTENDED, attendees=("a", "b"), minutes=50
) -> Session:
    """A session row made directly, for tests that are not about the form."""
    session = Session(
        case_id=case.id,
        counsellor_id=case.counsellor_id,
        starts_at=at(days, hour),
        ends_at=at(days, hour) + timedelta(minutes=minutes),
        status=status,
        attendees=list(attendees) if status is SessionStatus.ATTENDED else [],
    )
    db.session.add(session)
    db.session.commit()
    return session


def session_data(**change) -> dict:
    """A valid session form: yesterday at 10:00, 50 minutes, attended by both."""
    data = {
        "form_token": "s-" + "0" * 30,
        "day": -1,
        "time": "10:00",
        "duration": "50",
        "status": "attended",
        "attendees": ["a", "b"],
        "handout_summary": HANDOUT,
    }
    data |= change
    if isinstance(data["day"], int):  # days from today
        data["day"] = (practice_today() + timedelta(days=data["day"])).isoformat()
    return {key: value for key, value in data.items() if value is not None}


def sessions() -> list[Session]:
    return list(db.session.scalars(sa.select(Session).order_by(Session.id)))


def listed_ordinals(page: str) -> dict[int, str]:
    """{session id: the number in the "#" column} of the sessions list."""
    rows = re.findall(r'<td>(\d*)</td>\s*<td><a href="/cases/\d+/sessions/(\d+)"', page)
    return {int(sid): ordinal for ordinal, sid in rows}


def day_month(moment: datetime) -> str:
    return f"{moment.day} {moment:%b}"


# --- Scheduling and recording ------------------------------------------------


def test_the_new_session_form_suggests_today_and_both_partners(client, as_counsellor, case):
    response = client.get(f"/cases/{case.id}/sessions/new")
    page = response.data.decode()
    assert response.status_code == 200
    assert f'value="{practice_today().isoformat()}"' in page
    assert re.search(r'<input checked[^>]* value="a"', page)
    assert re.search(r'<input checked[^>]* value="b"', page)
    assert 'name="form_token"' in page
    assert "Times are in the practice’s time zone (UTC)" in page
    assert sessions() == []


def test_scheduling_a_session(client, as_counsellor, case):
    data = session_data(day=3, time="14:30", duration="60", status="scheduled", attendees=[])
    response = client.post(f"/cases/{case.id}/sessions/new", data=data)
    [session] = sessions()
    assert response.status_code == 302
    assert response.headers["Location"] == f"/cases/{case.id}/sessions/{session.id}"
    assert session.case_id == case.id
    assert session.counsellor_id == as_counsellor.id
    assert session.status is SessionStatus.SCHEDULED
    assert session.starts_at == at(3, 14, 30)
    assert session.ends_at == at(3, 15, 30)
    assert session.attendees == []
    assert session.handout_summary == HANDOUT
    # Booked for later: the same audit event as a booking from the calendar.
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "session.schedule"))
    assert (event.object_id, event.case_id, event.actor_id) == (
        session.id,
        case.id,
        as_counsellor.id,
    )
    page = client.get(response.headers["Location"]).data.decode()
    assert "Scheduled session" in page
    assert "60 minutes" in page
    assert HANDOUT in page
    assert "Session 1" not in page


def test_recording_an_attended_session(client, as_counsellor, case):
    response = client.post(
        f"/cases/{case.id}/sessions/new", data=session_data(day=-2, attendees=["b"])
    )
    [session] = sessions()
    assert response.status_code == 302
    assert session.status is SessionStatus.ATTENDED
    assert session.attendees == ["b"]
    assert session.starts_at == at(-2, 10)
    assert session.duration_minutes == 50
    page = client.get(response.headers["Location"]).data.decode()
    assert "Write the note while it is fresh." in page
    assert '<h1 class="h3 mb-1">Session 1</h1>' in page
    assert "came: Jordan" in page
    assert "came: Alex" not in page
    assert "No note yet." in page


def test_the_list_numbers_attended_sessions_by_start_time(client, as_counsellor, case):
    # Made out of order: the later session first.
    later = add_session(case, -2)
    cancelled = add_session(case, -5, status=SessionStatus.CANCELLED)
    no_show = add_session(case, -4, status=SessionStatus.NO_SHOW)
    earlier = add_session(case, -9)
    upcoming = add_session(case, 3, status=SessionStatus.SCHEDULED)
    response = client.get(f"/cases/{case.id}/sessions/")
    page = response.data.decode()
    assert response.status_code == 200
    assert listed_ordinals(page) == {
        upcoming.id: "",
        later.id: "2",
        no_show.id: "",
        cancelled.id: "",
        earlier.id: "1",
    }
    # Newest first.
    assert list(listed_ordinals(page)) == [
        upcoming.id,
        later.id,
        no_show.id,
        cancelled.id,
        earlier.id,
    ]
    assert "Cancelled" in page
    assert "No-show" in page
    assert "Session 2</h1>" in client.get(f"/cases/{case.id}/sessions/{later.id}").data.decode()
    page = client.get(f"/cases/{case.id}/sessions/{cancelled.id}").data.decode()
    assert "Cancelled session</h1>" in page


def test_ordinals_count_across_pages_of_the_list(client, as_counsellor, case):
    made = [add_session(case, -60 + 2 * n) for n in range(27)]
    first = listed_ordinals(client.get(f"/cases/{case.id}/sessions/").data.decode())
    assert len(first) == 25
    assert first[made[-1].id] == "27"
    assert first[made[2].id] == "3"
    second = listed_ordinals(client.get(f"/cases/{case.id}/sessions/?page=2").data.decode())
    assert second == {made[1].id: "2", made[0].id: "1"}


def test_the_ordinal_is_never_typed(client, as_counsellor, case):
    form = client.get(f"/cases/{case.id}/sessions/new").data.decode()
    assert 'name="ordinal"' not in form
    assert "ordinal" not in Session.__table__.c
    add_session(case, -7)
    response = client.post(f"/cases/{case.id}/sessions/new", data=session_data(day=-3, ordinal="9"))
    assert response.status_code == 302
    _, made = sessions()
    page = client.get(f"/cases/{case.id}/sessions/").data.decode()
    assert listed_ordinals(page)[made.id] == "2"
    assert ">9<" not in page


# --- Bad input ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"day": ""}, "day", "Enter the date."),
        ({"time": ""}, "time", "Enter the start time."),
        ({"day": "", "time": ""}, "day", "Enter the date."),
        ({"day": "2026-02-31"}, "day", "Give the date as YYYY-MM-DD"),
        ({"duration": "5"}, "duration", "Between 10 and 300 minutes."),
        ({"duration": "400"}, "duration", "Between 10 and 300 minutes."),
        ({"duration": ""}, "duration", "Enter the length in minutes."),
        (
            {"day": 7, "status": "attended"},
            "status",
            "A session can only be marked attended once it has started.",
        ),
        ({"attendees": []}, "attendees", "Tick who came."),
        ({"attendees": ["c"]}, "attendees", "&#39;c&#39; is not a valid choice for this field."),
        ({"status": "postponed"}, "status", "Not a valid choice"),
    ],
    ids=[
        "no-date",
        "no-time",
        "no-date-nor-time",
        "impossible-date",
        "5-minutes",
        "400-minutes",
        "no-length",
        "attended-next-week",
        "attended-by-nobody",
        "attended-by-a-stranger",
        "unknown-status",
    ],
)
def test_bad_session_input_is_400_beside_the_field(
    client, as_counsellor, case, change, field, message
):
    response = client.post(f"/cases/{case.id}/sessions/new", data=session_data(**change))
    page = response.data.decode()
    assert response.status_code == 400
    assert re.search(
        rf'id="{field}-error" class="invalid-feedback d-block">[^<]*{re.escape(message)}', page
    ), message
    assert "Nothing was saved yet" in page
    assert HANDOUT in page
    assert sessions() == []


def test_a_bad_edit_changes_nothing(client, as_counsellor, case):
    session = add_session(case, -1, status=SessionStatus.SCHEDULED)
    response = client.post(
        f"/cases/{case.id}/sessions/{session.id}/edit",
        data=session_data(day=6, status="attended", handout_summary="Half typed words"),
    )
    assert response.status_code == 400
    assert "A session can only be marked attended once it has started." in response.data.decode()
    assert "Half typed words" in response.data.decode()
    db.session.refresh(session)
    assert session.status is SessionStatus.SCHEDULED
    assert session.starts_at == at(-1)
    assert session.handout_summary == ""


@pytest.mark.parametrize("same_case", [True, False], ids=["same-case", "another-case"])
def test_an_overlapping_session_is_refused_and_named(
    client, as_counsellor, case, make_case, same_case
):
    other = case if same_case else make_case(as_counsellor, ("Sam Okafor", "Robin Okafor"))
    booked = add_session(other, 2, 10, status=SessionStatus.SCHEDULED)
    response = client.post(
        f"/cases/{case.id}/sessions/new",
        data=session_data(day=2, time="10:30", status="scheduled"),
    )
    page = response.data.decode()
    assert response.status_code == 400
    label = other.label.replace("&", "&amp;")
    assert (
        f'id="time-error" class="invalid-feedback d-block">That overlaps your session with '
        f"{label} on {day_month(booked.starts_at)} at 10:00–10:50. Choose another time." in page
    )
    assert HANDOUT in page
    assert sessions() == [booked]
    # Starting as the other ends is no overlap.
    response = client.post(
        f"/cases/{case.id}/sessions/new",
        data=session_data(day=2, time="10:50", status="scheduled", form_token="t-2" * 10),
    )
    assert response.status_code == 302
    assert len(sessions()) == 2


def test_another_counsellors_diary_is_no_clash(client, as_counsellor, case, make_user, make_case):
    theirs = make_case(make_user(Role.COUNSELLOR), ("Sam Okafor", "Robin Okafor"))
    add_session(theirs, 2, 10, status=SessionStatus.SCHEDULED)
    response = client.post(
        f"/cases/{case.id}/sessions/new",
        data=session_data(day=2, time="10:00", status="scheduled"),
    )
    assert response.status_code == 302
    assert len(sessions()) == 2


@pytest.mark.parametrize(
    ("day", "message"),
    [
        (
            "2026-03-29",
            "01:30 does not exist on 29 Mar 2026: the clocks go forward then. "
            "Choose a time an hour later or earlier.",
        ),
        (
            "2026-10-25",
            "01:30 happens twice on 25 Oct 2026, as the clocks go back. "
            "Choose a time outside that hour.",
        ),
    ],
    ids=["skipped-hour", "repeated-hour"],
)
def test_times_the_clocks_skip_or_repeat_are_refused(client, as_counsellor, case, day, message):
    db.session.add(PracticeSettings(name="Mend London", timezone="Europe/London"))
    db.session.commit()
    url = f"/cases/{case.id}/sessions/new"
    response = client.post(url, data=session_data(day=day, time="01:30", status="scheduled"))
    page = response.data.decode()
    assert response.status_code == 400
    assert f'id="time-error" class="invalid-feedback d-block">{message}' in page
    assert "(Europe/London)" in page
    assert HANDOUT in page
    assert sessions() == []
    # The same day at 02:30 is one moment: in summer time on 29 March, in winter on 25 October.
    response = client.post(url, data=session_data(day=day, time="02:30", status="scheduled"))
    assert response.status_code == 302
    [session] = sessions()
    hour = 1 if day == "2026-03-29" else 2
    assert session.starts_at == datetime.fromisoformat(day).replace(
        hour=hour, minute=30, tzinfo=UTC
    )
    # Shown as it was typed, in the practice's time.
    page = client.get(response.headers["Location"]).data.decode()
    assert f"{int(day[-2:])} {'Mar' if hour == 1 else 'Oct'} 2026, 02:30" in page


# --- Changing a session ------------------------------------------------------


def test_editing_moves_marks_attended_and_cancels(client, as_counsellor, case):
    session = add_session(case, -1, status=SessionStatus.SCHEDULED)
    url = f"/cases/{case.id}/sessions/{session.id}/edit"
    form = client.get(url).data.decode()
    assert f'value="{(practice_today() - timedelta(days=1)).isoformat()}"' in form
    assert 'value="10:00"' in form
    assert '<option selected value="scheduled">' in form
    # Move it.
    data = session_data(day=-1, time="15:15", duration="75", status="scheduled", attendees=[])
    response = client.post(url, data=data)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/cases/{case.id}/sessions/{session.id}"
    db.session.refresh(session)
    assert (session.starts_at, session.ends_at) == (at(-1, 15, 15), at(-1, 16, 30))
    assert session.status is SessionStatus.SCHEDULED
    # Mark it attended by Alex alone: it becomes session 1.
    response = client.post(url, data=data | {"status": "attended", "attendees": ["a"]})
    assert response.status_code == 302
    db.session.refresh(session)
    assert session.status is SessionStatus.ATTENDED
    assert session.attendees == ["a"]
    assert listed_ordinals(client.get(f"/cases/{case.id}/sessions/").data.decode()) == {
        session.id: "1"
    }
    # Cancel it: it no longer takes a number.
    response = client.post(url, data=data | {"status": "cancelled"})
    assert response.status_code == 302
    db.session.refresh(session)
    assert session.status is SessionStatus.CANCELLED
    assert listed_ordinals(client.get(f"/cases/{case.id}/sessions/").data.decode()) == {
        session.id: ""
    }
    assert len(sessions()) == 1
    changes = db.session.scalars(
        sa.select(AuditEvent.detail).where(AuditEvent.action == "session.change")
    ).all()
    assert [c["status"] for c in changes] == ["scheduled", "attended", "cancelled"]


def test_a_session_does_not_clash_with_itself(client, as_counsellor, case):
    session = add_session(case, -1)
    response = client.post(
        f"/cases/{case.id}/sessions/{session.id}/edit", data=session_data(time="10:20")
    )
    assert response.status_code == 302
    db.session.refresh(session)
    assert session.starts_at == at(-1, 10, 20)


def test_a_cancelled_session_frees_its_slot(client, as_counsellor, case):
    booked = add_session(case, 2, 10, status=SessionStatus.SCHEDULED)
    url = f"/cases/{case.id}/sessions/new"
    data = session_data(day=2, time="10:00", status="scheduled", form_token="n-" + "1" * 30)
    assert client.post(url, data=data).status_code == 400
    response = client.post(
        f"/cases/{case.id}/sessions/{booked.id}/edit",
        data=session_data(day=2, time="10:00", status="cancelled"),
    )
    assert response.status_code == 302
    response = client.post(url, data=data)
    assert response.status_code == 302
    statuses = [s.status for s in sessions()]
    assert statuses == [SessionStatus.CANCELLED, SessionStatus.SCHEDULED]


def test_a_double_submission_makes_one_session(client, as_counsellor, case):
    url = f"/cases/{case.id}/sessions/new"
    first = client.post(url, data=session_data(form_token="same-token-1234"))
    client.post(url, data=session_data(form_token="same-token-1234"))
    assert first.status_code == 302
    assert len(sessions()) == 1
    creates = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "session.create")
    ).all()
    assert len(creates) == 1
    # A fresh form (a new token) at another time is a new session.
    other = session_data(form_token="other-token-5678", time="14:00")
    assert client.post(url, data=other).status_code == 302
    assert len(sessions()) == 2


def test_a_double_submission_lands_on_the_same_session(client, as_counsellor, case):
    url = f"/cases/{case.id}/sessions/new"
    first = client.post(url, data=session_data(form_token="same-token-1234"))
    second = client.post(url, data=session_data(form_token="same-token-1234"))
    assert "That overlaps your session" not in second.data.decode()
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"]
    assert len(sessions()) == 1


# --- Who reaches sessions ----------------------------------------------------

SESSION_URLS = [
    ("GET", "/cases/{case}/sessions/"),
    ("GET", "/cases/{case}/sessions/new"),
    ("POST", "/cases/{case}/sessions/new"),
    ("GET", "/cases/{case}/sessions/{session}"),
    ("GET", "/cases/{case}/sessions/{session}/edit"),
    ("POST", "/cases/{case}/sessions/{session}/edit"),
    ("GET", "/cases/{case}/sessions/{session}/note"),
    ("POST", "/cases/{case}/sessions/{session}/note"),
    ("POST", "/cases/{case}/sessions/{session}/note/autosave"),
    ("POST", "/cases/{case}/sessions/{session}/note/addenda"),
]

NOTE_TEXT = "Alex spoke of feeling invisible at home"
ADDENDUM_TEXT = "Correction: the weekend in question was in March"


def posted() -> dict:
    """A form every sessions URL can take: a session, a note and an addendum at once."""
    return session_data(day=-1, time="16:00") | {
        "data": "Replaced by someone who should not reach it",
        "body": "An addendum from someone who should not reach it",
        "action": "save",
    }


def signed_note(session, text=NOTE_TEXT, template=NoteTemplate.DAP) -> Note:
    note = Note(
        session_id=session.id,
        case_id=session.case_id,
        template=template,
        body={"data": text, "assessment": "", "plan": ""},
        author_id=session.counsellor_id,
    )
    db.session.add(note)
    db.session.flush()
    note.signed_by_id = session.counsellor_id
    note.signed_at = now_utc()
    note.content_hash = note.compute_hash()
    db.session.commit()
    return note


def add_addendum(note, text=ADDENDUM_TEXT):
    addendum = Addendum(
        note_id=note.id,
        case_id=note.case_id,
        body=text,
        signed_by_id=note.signed_by_id,
        signed_at=now_utc(),
    )
    addendum.content_hash = addendum.compute_hash()
    db.session.add(addendum)
    db.session.commit()
    return addendum


@pytest.fixture
def world(make_user, make_case, owner):
    counsellor = make_user(Role.COUNSELLOR, name="Casey Counsellor")
    other = make_user(Role.COUNSELLOR, name="Olu Other")
    mine = make_case(counsellor)
    theirs = make_case(other, ("Sam Okafor", "Robin Okafor"))
    session = add_session(mine, -1)
    note = signed_note(session)
    add_addendum(note)
    return {
        "case": mine,
        "session": session,
        "note": note,
        "theirs": theirs,
        "users": {
            "counsellor": counsellor,
            "other counsellor": other,
            "owner": owner,
            "partner a": mine.partners[0].user,
            "partner b": mine.partners[1].user,
            "other couple": theirs.partners[0].user,
        },
    }


def as_user(app, user):
    browser = app.test_client()
    if user is not None:
        response = browser.post("/login", data={"email": user.email, "password": PASSWORD})
        assert response.status_code == 302
    return browser


def call(browser, method, url):
    return browser.get(url) if method == "GET" else browser.post(url, data=posted())


def snapshot() -> tuple:
    """Everything a sessions URL could change, to show that nothing did."""
    return (
        [(s.id, s.starts_at, s.status) for s in sessions()],
        [(n.id, n.body, n.signed_at) for n in db.session.scalars(sa.select(Note))],
        db.session.scalar(sa.select(sa.func.count()).select_from(Addendum)),
    )


@pytest.mark.parametrize(("method", "url"), SESSION_URLS)
@pytest.mark.parametrize(
    "who", ["other counsellor", "owner", "partner a", "partner b", "other couple"]
)
def test_sessions_urls_are_404_outside_ones_caseload(app, world, method, url, who):
    before = snapshot()
    browser = as_user(app, world["users"][who])
    target = url.format(case=world["case"].id, session=world["session"].id)
    response = call(browser, method, target)
    assert response.status_code == 404, (who, method, target)
    assert NOTE_TEXT.encode() not in response.data
    assert ADDENDUM_TEXT.encode() not in response.data
    assert snapshot() == before


@pytest.mark.parametrize(("method", "url"), SESSION_URLS)
def test_sessions_urls_send_the_logged_out_to_log_in(app, world, method, url):
    before = snapshot()
    target = url.format(case=world["case"].id, session=world["session"].id)
    response = call(as_user(app, None), method, target)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")
    assert NOTE_TEXT.encode() not in response.data
    assert snapshot() == before


@pytest.mark.parametrize(
    ("method", "url"),
    [(method, url) for method, url in SESSION_URLS],
)
def test_sessions_urls_answer_their_counsellor(app, world, method, url):
    browser = as_user(app, world["users"]["counsellor"])
    target = url.format(case=world["case"].id, session=world["session"].id)
    response = call(browser, method, target)
    # The note is signed, so changing it is refused (409) rather than missing.
    assert response.status_code in {200, 302, 409}, (method, target)


@pytest.mark.parametrize("owner_of_both", [True, False], ids=["own-other-case", "colleagues-case"])
@pytest.mark.parametrize(("method", "url"), [u for u in SESSION_URLS if "{session}" in u[1]])
def test_a_session_of_another_case_under_ones_own_case_is_404(
    app, world, make_case, method, url, owner_of_both
):
    counsellor = world["users"]["counsellor"]
    other_case = make_case(counsellor, ("Lee Park",)) if owner_of_both else world["theirs"]
    foreign = add_session(other_case, -3)
    signed_note(foreign, text="Notes of another couple")
    before = snapshot()
    browser = as_user(app, counsellor)
    response = call(browser, method, url.format(case=world["case"].id, session=foreign.id))
    assert response.status_code == 404
    assert b"Notes of another couple" not in response.data
    assert snapshot() == before


def test_clients_never_see_notes_nor_that_they_exist(app, world, make_assignment):
    assignment = make_assignment(world["case"], "i-statement-rewrites", "each")
    add_session(world["case"], 2, status=SessionStatus.SCHEDULED)
    session = world["session"]
    session.handout_summary = "We practised slowing down together"
    db.session.commit()
    for who in ("partner a", "partner b"):
        browser = as_user(app, world["users"][who])
        for url in (
            "/portal/",
            "/portal/entries",
            "/portal/shared",
            "/portal/resources",
            "/portal/checkin",
            "/portal/documents",
            f"/portal/homework/{assignment.id}",
        ):
            response = browser.get(url)
            page = response.data.decode()
            assert response.status_code == 200, (who, url)
            assert NOTE_TEXT not in page, url
            assert ADDENDUM_TEXT not in page, url
            assert "/sessions/" not in page, url
            assert "/note" not in page, url
            assert not re.search(r"\b(signed|addend\w*|session note)\b", page, re.I), url
        # The session's handout has the words meant for the couple, never the note.
        response = browser.get(f"/portal/handouts/{session.id}.pdf")
        assert response.status_code == 200
        text = " ".join(
            " ".join((page.extract_text() or "").split())
            for page in PdfReader(io.BytesIO(response.data)).pages
        )
        assert "We practised slowing down together" in text
        assert NOTE_TEXT not in text
        assert ADDENDUM_TEXT not in text
