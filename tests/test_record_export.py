"""A partner downloads their own record (the right of access), as JSON and as a PDF."""

import json
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from practice.admin.models import PracticeSettings
from practice.audit.models import AuditEvent
from practice.auth.models import Role
from practice.dates import format_spoken
from practice.extensions import db
from practice.sessions.models import Session
from tests.factories import add_check_in, add_session, pdf_text, signed_note

ALEX_PRIVATE = "Alex kept this to themself"
ALEX_SHARED = "Alex chose to share this one"
JORDAN_PRIVATE = "Jordan's private reflection"
NOTE = "Counsellor's clinical observation"


@pytest.fixture
def filled(case, alex, jordan, make_assignment, make_entry):
    """Homework for each and for Jordan alone, entries by both, a check-in, a session."""
    both = make_assignment(case, "i-statement-rewrites", "each", note="Try it twice this week")
    jordan_only = make_assignment(case, "self-care-protected-hour", "b", note="Jordan alone")
    make_entry(both, alex, answer=ALEX_PRIVATE)
    make_entry(both, alex, answer=ALEX_SHARED, shared=True)
    make_entry(jordan_only, jordan, answer=JORDAN_PRIVATE)
    add_check_in(alex, -3, (4, 3, 3, 3))
    add_check_in(jordan, -3, (2, 2, 2, 2))
    add_session(case, -7, minutes=60)
    return both, jordan_only


def test_the_json_holds_the_partners_own_record_and_nothing_of_the_other(
    client, auth, case, alex, filled
):
    auth.login(alex.user)
    response = client.get("/portal/my-record.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.headers["Content-Disposition"].startswith("attachment; filename=my-record-")
    record = json.loads(response.data)
    assert record["you"] == {"name": alex.name, "email": alex.email, "partner": "A"}
    assert record["case"]["counsellor"] == case.counsellor.name
    assert [h["exercise"] for h in record["homework"]] == [filled[0].exercise.title]
    assert record["homework"][0]["counsellor_words"] == "Try it twice this week"
    assert record["homework"][0]["prompts"], "the prompts as given"
    answers = [e["answers"][0]["answer"] for e in record["entries"]]
    assert answers == [ALEX_PRIVATE, ALEX_SHARED]
    assert [e["shared_with_partner"] for e in record["entries"]] == [False, True]
    assert [c["csi4_total"] for c in record["check_ins"]] == [13]
    assert record["check_ins"][0]["csi4"]["happiness"] == 4
    assert len(record["appointments"]) == 1
    assert record["appointments"][0]["status"] == "attended"
    assert record["appointments"][0]["minutes"] == 60
    assert "session notes" in record["not_included"]
    assert JORDAN_PRIVATE not in response.data.decode()
    assert "Jordan alone" not in response.data.decode()


def test_the_other_partner_gets_their_own_record(client, auth, jordan, filled):
    auth.login(jordan.user)
    record = json.loads(client.get("/portal/my-record.json").data)
    assert record["you"]["name"] == jordan.name
    answers = [e["answers"][0]["answer"] for e in record["entries"]]
    assert answers == [JORDAN_PRIVATE], "Alex's entries, even shared ones, are Alex's record"
    assert {h["exercise"] for h in record["homework"]} == {t.exercise.title for t in filled}
    assert [c["csi4_total"] for c in record["check_ins"]] == [8]


def test_another_couple_sees_none_of_it(client, auth, make_case, counsellor, filled):
    other = make_case(counsellor, ("Maria Lopez", "Tom Lopez"))
    auth.login(other.partners[0].user)
    data = client.get("/portal/my-record.json").data.decode()
    record = json.loads(data)
    assert record["homework"] == record["entries"] == record["check_ins"] == []
    assert record["appointments"] == []
    for text in (ALEX_PRIVATE, ALEX_SHARED, JORDAN_PRIVATE):
        assert text not in data
    pdf = pdf_text(client.get("/portal/my-record.pdf").data)
    assert "Maria Lopez" in pdf
    assert ALEX_PRIVATE not in pdf


def test_the_pdf_reads_as_the_same_record(client, auth, alex, filled):
    auth.login(alex.user)
    response = client.get("/portal/my-record.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    text = pdf_text(response.data)
    assert "Your record" in text
    assert alex.name in text
    assert filled[0].exercise.title in text
    assert ALEX_PRIVATE in text
    assert ALEX_SHARED in text
    assert "shared with your partner" in text
    assert JORDAN_PRIVATE not in text
    assert "Jordan alone" not in text
    assert "13" in text  # the CSI-4 total


def test_the_record_never_carries_session_notes(client, auth, case, alex, filled):
    session = db.session.scalar(sa.select(Session).where(Session.case_id == case.id))
    signed_note(session, NOTE)
    auth.login(alex.user)
    assert NOTE not in client.get("/portal/my-record.json").data.decode()
    assert NOTE not in pdf_text(client.get("/portal/my-record.pdf").data)


def test_each_export_is_on_the_audit_trail(client, auth, case, alex, filled):
    auth.login(alex.user)
    client.get("/portal/my-record.json")
    client.get("/portal/my-record.pdf")
    events = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "record.export").order_by(AuditEvent.id)
    ).all()
    assert [e.detail["format"] for e in events] == ["json", "pdf"]
    assert {(e.actor_id, e.case_id, e.object_id) for e in events} == {
        (alex.user_id, case.id, alex.id)
    }


def test_the_documents_page_offers_both(client, auth, alex):
    auth.login(alex.user)
    page = client.get("/portal/documents").data.decode()
    assert 'href="/portal/my-record.pdf"' in page
    assert 'href="/portal/my-record.json"' in page


@pytest.mark.parametrize("url", ["/portal/my-record.json", "/portal/my-record.pdf"])
def test_staff_and_strangers_cannot_download_a_record(client, auth, make_user, url):
    assert client.get(url).status_code == 302  # to sign in
    auth.login(make_user(Role.COUNSELLOR))
    assert client.get(url).status_code == 403


def test_every_time_in_the_pdf_is_in_the_practices_zone_in_words(client, auth, case, alex):
    """A session at 20:00 UTC is 15:00 in New York, and reads as a day and a time."""
    db.session.add(PracticeSettings(name="Mend Test", timezone="America/New_York"))
    session = add_session(case, -7)
    session.starts_at = datetime(2026, 11, 17, 20, 0, tzinfo=UTC)
    session.ends_at = session.starts_at + timedelta(minutes=50)
    db.session.commit()
    auth.login(alex.user)
    text = " ".join(pdf_text(client.get("/portal/my-record.pdf").data).split())
    assert "Tuesday 17 November 2026 at 15:00" in text
    assert "(America/New York)" in text
    assert "UTC" not in text
    assert "2026-11-17" not in text


def test_the_json_keeps_iso_times_and_says_the_zone(client, auth, case, alex):
    db.session.add(PracticeSettings(name="Mend Test", timezone="America/New_York"))
    session = add_session(case, -7)
    session.starts_at = datetime(2026, 11, 17, 20, 0, tzinfo=UTC)
    session.ends_at = session.starts_at + timedelta(minutes=50)
    db.session.commit()
    auth.login(alex.user)
    record = json.loads(client.get("/portal/my-record.json").data)
    assert record["time_zone"] == "America/New_York"
    assert "America/New_York" in record["times"]
    [appointment] = record["appointments"]
    assert appointment["starts_at"] == "2026-11-17T15:00:00-05:00"
    moment = datetime.fromisoformat(appointment["starts_at"])
    assert moment == datetime(2026, 11, 17, 20, 0, tzinfo=UTC)
    assert datetime.fromisoformat(record["exported_at"]).utcoffset() is not None


@pytest.mark.parametrize(
    ("value", "words"),
    [
        (datetime(2026, 11, 17, 20, 0, tzinfo=UTC), "Tuesday 17 November 2026 at 15:00"),
        ("2026-11-17T20:00:00+00:00", "Tuesday 17 November 2026 at 15:00"),
        (date(2026, 3, 8), "Sunday 8 March 2026"),
        ("2026-03-08", "Sunday 8 March 2026"),
        (None, ""),
    ],
)
def test_spoken_times(app, value, words):
    db.session.add(PracticeSettings(name="Mend Test", timezone="America/New_York"))
    db.session.flush()
    assert format_spoken(value) == words
    db.session.rollback()
