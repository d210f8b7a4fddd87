"""A client corrects their own homework entry within a day of saving it."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from practice.audit.models import AuditEvent
from practice.cases.models import CaseStatus
from practice.database import now_utc
from practice.dates import practice_today
from practice.extensions import db
from practice.homework.models import EntryRevision, HomeworkEntry
from practice.homework.services import correctable, correctable_until
from tests.conftest import csrf_login, form_token

FIRST = "First thoughts, typed in a hurry"
SECOND = "What I meant to say, put right"
FLOOR = "A correction to a correction"


@pytest.fixture
def written(case, alex, make_assignment, make_entry):
    """Alex's entry on homework for each partner, saved a moment ago."""
    assignment = make_assignment(case, "i-statement-rewrites", "each")
    return make_entry(assignment, alex, answer=FIRST, helpful=2, difficulty=4)


def correction(answer=SECOND, **change) -> dict:
    data = {
        "answers-0": answer,
        "done_on": practice_today().isoformat(),
        "helpful": "4",
        "difficulty": "2",
    }
    data |= change
    return {key: value for key, value in data.items() if value is not None}


def reload(entry) -> HomeworkEntry:
    db.session.expire_all()
    return db.session.get(HomeworkEntry, entry.id)


def test_the_writer_corrects_their_entry_and_the_old_text_is_kept(client, auth, alex, written):
    auth.login(alex.user)
    page = client.get(f"/portal/entries/{written.id}").data.decode()
    assert f'href="/portal/entries/{written.id}/edit"' in page
    form = client.get(f"/portal/entries/{written.id}/edit")
    assert form.status_code == 200
    assert FIRST in form.data.decode(), "the form starts from the entry as saved"
    response = client.post(f"/portal/entries/{written.id}/edit", data=correction())
    assert response.status_code == 302
    assert response.headers["Location"] == f"/portal/entries/{written.id}"
    entry = reload(written)
    assert entry.answers[0]["answer"] == SECOND
    assert (entry.helpful, entry.difficulty) == (4, 2)
    assert entry.edited_at is not None
    [before] = entry.revisions
    assert before.answers[0]["answer"] == FIRST
    assert (before.helpful, before.difficulty) == (2, 4)
    assert before.written_at == entry.created_at
    page = client.get(f"/portal/entries/{written.id}").data.decode()
    assert "Corrected. Your counsellor can see that you changed it" in page
    assert SECOND in page
    assert FIRST not in page


def test_the_earlier_text_is_encrypted_at_rest(client, auth, alex, written):
    auth.login(alex.user)
    client.post(f"/portal/entries/{written.id}/edit", data=correction())
    raw = db.session.execute(sa.text("SELECT answers FROM homework_entry_revisions")).scalar()
    assert FIRST not in raw
    assert "First thoughts" not in raw


def test_the_counsellor_sees_it_was_edited_and_what_it_said(
    client, auth, case, alex, counsellor, written
):
    auth.login(alex.user)
    client.post(f"/portal/entries/{written.id}/edit", data=correction())
    client.post(f"/portal/entries/{written.id}/edit", data=correction(FLOOR))
    auth.logout()
    auth.login(counsellor)
    for url in (
        f"/cases/{case.id}/homework/entries/{written.id}",
        f"/cases/{case.id}/homework/{written.assignment_id}",
    ):
        page = client.get(url).data.decode()
        assert "edited " in page, url
        assert FLOOR in page
        assert "What it said before (2 earlier versions)" in page
        assert page.index(FLOOR) < page.index(SECOND) < page.index(FIRST), "newest first"


def test_the_edit_is_audited_without_its_text(client, auth, alex, written):
    auth.login(alex.user)
    client.post(f"/portal/entries/{written.id}/edit", data=correction())
    [event] = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "entry.edit")
    ).all()
    assert (event.object_type, event.object_id, event.actor_id) == (
        "HomeworkEntry",
        written.id,
        alex.user_id,
    )
    assert event.detail == {"changed": ["answers", "helpful", "difficulty"]}
    assert SECOND not in str(event.detail)
    assert FIRST not in str(event.detail)


def test_sending_the_same_correction_twice_is_one_correction(client, auth, alex, written):
    auth.login(alex.user)
    client.post(f"/portal/entries/{written.id}/edit", data=correction())
    again = client.post(f"/portal/entries/{written.id}/edit", data=correction())
    assert again.status_code == 302
    assert len(reload(written).revisions) == 1
    assert "Nothing was changed." in client.get(again.headers["Location"]).data.decode()


def test_after_a_day_it_says_so_and_keeps_what_was_typed(client, auth, alex, written):
    written.created_at = now_utc() - timedelta(days=1, minutes=1)
    db.session.commit()
    auth.login(alex.user)
    entry_page = client.get(f"/portal/entries/{written.id}").data.decode()
    assert f"/portal/entries/{written.id}/edit" not in entry_page
    page = client.get(f"/portal/entries/{written.id}/edit")
    assert page.status_code == 200
    assert "An entry can be corrected for a day after it is saved" in page.data.decode()
    refused = client.post(f"/portal/entries/{written.id}/edit", data=correction())
    text = refused.data.decode()
    assert refused.status_code == 409
    assert "be changed now" in text
    assert SECOND in text, "nothing typed is lost"
    assert "Save the correction" not in text
    assert "You can correct this entry until" not in text, "no deadline that has passed"
    entry = reload(written)
    assert entry.answers[0]["answer"] == FIRST
    assert entry.revisions == []


def test_the_window_is_a_day_from_the_first_save(written):
    now = written.created_at + timedelta(hours=23, minutes=59)
    assert correctable(written, now)
    assert not correctable(written, written.created_at + timedelta(days=1))
    assert correctable_until(written) == written.created_at + timedelta(days=1)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"answers-0": "  "}, "Write a few words for at least one of the questions."),
        ({"helpful": "9"}, "Not a valid choice"),
        ({"difficulty": None}, "Choose 1 to 5."),
        ({"done_on": "yesterday-ish"}, "Not a valid date value"),
        ({"done_on": "in two days"}, "That day hasn&#39;t come yet."),
        ({"answers-0": "x" * 25_001}, "Please keep each answer under"),
        ({"answers-5": "extra"}, "more answers than questions"),
    ],
    ids=["blank", "helpful-9", "no-difficulty", "bad-day", "future", "too-long", "extra"],
)
def test_a_bad_correction_is_400_with_a_message_and_changes_nothing(
    client, auth, alex, written, change, message
):
    if change.get("done_on") == "in two days":
        change = {"done_on": (practice_today() + timedelta(days=2)).isoformat()}
    auth.login(alex.user)
    response = client.post(f"/portal/entries/{written.id}/edit", data=correction(**change))
    assert response.status_code == 400
    assert message in response.data.decode()
    entry = reload(written)
    assert entry.answers[0]["answer"] == FIRST
    assert entry.edited_at is None


def test_only_the_writer_can_correct(client, auth, case, jordan, make_case, counsellor, written):
    written.shared = True
    db.session.commit()
    auth.login(jordan.user)
    # Jordan reads the shared entry, but it is not Jordan's to correct.
    page = client.get(f"/portal/entries/{written.id}").data.decode()
    assert FIRST in page
    assert "/edit" not in page
    assert client.get(f"/portal/entries/{written.id}/edit").status_code == 404
    assert client.post(f"/portal/entries/{written.id}/edit", data=correction()).status_code == 404
    auth.logout()
    stranger = make_case(counsellor, ("Maria Lopez", "Tom Lopez")).partners[0]
    auth.login(stranger.user)
    assert client.get(f"/portal/entries/{written.id}/edit").status_code == 404
    assert client.post(f"/portal/entries/{written.id}/edit", data=correction()).status_code == 404
    auth.logout()
    auth.login(counsellor)
    assert client.post(f"/portal/entries/{written.id}/edit", data=correction()).status_code == 403
    assert reload(written).answers[0]["answer"] == FIRST


def test_the_other_partner_reads_only_the_current_text_of_a_shared_entry(
    client, auth, alex, jordan, written
):
    written.shared = True
    db.session.commit()
    auth.login(alex.user)
    client.post(f"/portal/entries/{written.id}/edit", data=correction())
    auth.logout()
    auth.login(jordan.user)
    for url in (f"/portal/entries/{written.id}", "/portal/shared", "/portal/my-record.json"):
        page = client.get(url).data.decode()
        assert FIRST not in page, url
    assert SECOND in client.get(f"/portal/entries/{written.id}").data.decode()
    assert "corrected" not in client.get(f"/portal/entries/{written.id}").data.decode()


def test_the_writers_record_export_holds_the_correction(client, auth, alex, written):
    auth.login(alex.user)
    client.post(f"/portal/entries/{written.id}/edit", data=correction())
    record = client.get("/portal/my-record.json").get_json()
    [entry] = record["entries"]
    assert entry["answers"][0]["answer"] == SECOND
    assert entry["corrected_at"]
    assert entry["before_correction"][0]["answers"][0]["answer"] == FIRST


def test_no_corrections_once_counselling_has_ended(client, auth, case, alex, written):
    case.status = CaseStatus.CLOSED
    db.session.commit()
    auth.login(alex.user)
    response = client.post(f"/portal/entries/{written.id}/edit", data=correction())
    assert response.status_code == 409
    assert "Your counselling here has ended" in response.data.decode()
    assert reload(written).answers[0]["answer"] == FIRST


def test_the_correction_form_carries_csrf(csrf_client, alex, written):

    csrf_login(csrf_client, alex.user)
    url = f"/portal/entries/{written.id}/edit"
    assert csrf_client.post(url, data=correction()).status_code == 400
    token = form_token(csrf_client, url)
    assert csrf_client.post(url, data=correction() | {"csrf_token": token}).status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(EntryRevision)) == 1
