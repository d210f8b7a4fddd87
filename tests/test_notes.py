"""Session notes: drafts, signing and its lock, addenda, encryption, and losing nothing."""

import re
import warnings
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from practice.audit.models import AuditEvent
from practice.auth.models import LoginSession, hash_token
from practice.database import now_utc
from practice.dates import format_datetime, practice_today
from practice.extensions import db
from practice.parking import SESSION_KEY, ParkedForm
from practice.sessions.locks import LOCKS
from practice.sessions.models import Addendum, Note, NoteTemplate, SignedNoteError
from practice.sessions.notes import switch_template
from tests.conftest import PASSWORD
from tests.factories import add_addendum, add_session, draft_note, signed_note

#: What a counsellor types into each section of each template.
TYPED = {
    "dap": {
        "data": "Alex spoke first and described the row about the holiday",
        "assessment": "The pursue and withdraw pattern is clear to both of them now",
        "plan": "Soft start-ups twice this week; review next session",
    },
    "soap": {
        "subjective": "Jordan said the evenings feel lonely",
        "objective": "Both calm; Alex tearful when speaking of the move",
        "assessment": "Early de-escalation, alliance good",
        "plan": "Daily ten-minute check-in; come back to the move",
    },
    "eft": {
        "cycle": "The more Alex pursues, the more Jordan shuts down",
        "position_a": "Pursue and protest",
        "position_b": "Withdraw and defend",
        "emotions": "Fear of being left behind; shame at not being enough",
        "interventions": "Slowed the cycle down and reflected the fear under the anger",
        "homework": "Both kept the appreciation log most days",
        "plan": "Enactment of reaching for each other next time",
    },
}


@pytest.fixture
def as_counsellor(auth, counsellor):
    auth.login(counsellor)
    return counsellor


@pytest.fixture
def session(case):
    return add_session(case, -1)


def note_url(session, tail="") -> str:
    return f"/cases/{session.case_id}/sessions/{session.id}/note{tail}"


def note_data(template="dap", action="save", **change) -> dict:
    data = dict(TYPED[template]) | {"template": template, "action": action}
    data |= change
    return {key: value for key, value in data.items() if value is not None}


def notes() -> list[Note]:
    return list(db.session.scalars(sa.select(Note).order_by(Note.id)))


def addenda() -> list[Addendum]:
    return list(db.session.scalars(sa.select(Addendum).order_by(Addendum.id)))


def actions() -> list[str]:
    return list(db.session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)))


def escaped(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def textarea(page: str, name: str) -> str:
    """The text in the form's text area called ``name``."""
    found = re.search(rf'<textarea[^>]* name="{name}"[^>]*>\r?\n?(.*?)</textarea>', page, re.S)
    assert found, name
    return found.group(1)


# --- Writing, saving and signing ---------------------------------------------


@pytest.mark.parametrize("template", ["dap", "soap", "eft"])
def test_write_save_and_sign_a_note(client, as_counsellor, session, template):
    url = note_url(session)
    # Save a draft.
    response = client.post(f"{url}?template={template}", data=note_data(template))
    assert response.status_code == 302
    assert response.headers["Location"] == url
    [note] = notes()
    assert note.template is NoteTemplate(template)
    assert {key: note.body[key] for key in TYPED[template]} == TYPED[template]
    assert (note.signed_at, note.signed_by_id, note.content_hash) == (None, None, None)
    assert note.author_id == as_counsellor.id
    assert not note.intact
    page = client.get(f"/cases/{session.case_id}/sessions/{session.id}").data.decode()
    assert "Draft, not signed" in page
    assert "Continue the note" in page
    # Save it again, changed.
    response = client.post(url, data=note_data(template, plan="A better plan"))
    assert response.status_code == 302
    db.session.refresh(note)
    assert note.body["plan"] == "A better plan"
    assert note.signed_at is None
    # Sign it.
    response = client.post(url, data=note_data(template, action="sign"))
    assert response.status_code == 302
    assert response.headers["Location"] == f"/cases/{session.case_id}/sessions/{session.id}"
    db.session.refresh(note)
    assert {key: note.body[key] for key in TYPED[template]} == TYPED[template]
    assert note.signed_by_id == as_counsellor.id
    assert now_utc() - note.signed_at < timedelta(minutes=1)
    assert re.fullmatch(r"[0-9a-f]{64}", note.content_hash)
    assert note.content_hash == note.compute_hash()
    assert note.intact
    assert len(notes()) == 1
    page = client.get(response.headers["Location"]).data.decode()
    assert "Note signed. It is now locked; corrections go in addenda." in page
    assert f"Signed by {as_counsellor.name}, {format_datetime(note.signed_at)}" in page
    assert "content hash verified" in page
    assert note.content_hash in page
    assert TYPED[template]["plan"] in page
    assert "Continue the note" not in page
    assert {"note.create", "note.save", "note.sign", "note.view"} <= set(actions())
    sign = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "note.sign"))
    assert (sign.object_id, sign.case_id, sign.actor_id) == (
        note.id,
        note.case_id,
        note.signed_by_id,
    )
    assert sign.detail["hash"] == note.content_hash
    view = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "note.view"))
    assert (view.object_id, view.actor_id) == (note.id, as_counsellor.id)
    # Opening the note form now only shows the signed note.
    response = client.get(url)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/cases/{session.case_id}/sessions/{session.id}"


def test_a_new_note_is_saved_without_a_warning(client, as_counsellor, session):
    with warnings.catch_warnings():
        warnings.simplefilter("error", sa.exc.SAWarning)
        response = client.post(note_url(session, "?template=dap"), data=note_data("dap"))
    assert response.status_code == 302
    assert len(notes()) == 1


@pytest.mark.parametrize("template", ["dap", "soap", "eft"])
def test_the_note_form_offers_each_template(client, as_counsellor, session, template):
    response = client.get(note_url(session, f"?template={template}"))
    page = response.data.decode()
    assert response.status_code == 200
    for key in TYPED[template]:
        assert f'name="{key}"' in page
    assert 'name="action" value="sign"' in page
    assert notes() == []


@pytest.mark.parametrize("template", ["dap", "soap", "eft"])
def test_a_saved_draft_reopens_in_the_form(client, as_counsellor, session, template):
    client.post(
        note_url(session, f"?template={template}"),
        data=note_data(template, eft_step="3", block_trust="4"),
    )
    response = client.get(note_url(session))
    page = response.data.decode()
    assert response.status_code == 200
    assert "Draft saved." in page
    for key, text in TYPED[template].items():
        if key != "interventions":  # see test_eft_interventions_text_survives_a_reopen
            assert textarea(page, key) == text
    assert '<option selected value="3">' in page
    assert re.search(r'name="block_trust"[^>]* value="4"', page)
    assert "note.view" in actions()


def test_a_template_cannot_be_swapped_once_a_draft_exists(client, as_counsellor, session):
    client.post(note_url(session, "?template=soap"), data=note_data("soap"))
    response = client.post(note_url(session, "?template=dap"), data=note_data("soap"))
    assert response.status_code == 302
    [note] = notes()
    assert note.template is NoteTemplate.SOAP
    assert note.body["subjective"] == TYPED["soap"]["subjective"]
    assert "data" not in note.body


# --- Switching a draft to another template -----------------------------------


def test_a_draft_shows_its_template_and_offers_a_switch(client, as_counsellor, session):
    client.post(note_url(session, "?template=soap"), data=note_data("soap"))
    page = client.get(note_url(session)).data.decode()
    assert "This draft uses the SOAP (subjective, objective, assessment, plan) template." in page
    assert re.search(r'<select[^>]*form="note-form"[^>]*name="switch_to"', page)
    assert '<option selected value="soap">' in page
    assert re.search(r'form="note-form" name="action" value="switch">Switch<', page)


def test_switching_a_draft_loses_nothing(client, as_counsellor, session):
    ticked = ["Validation", "Heightening"]
    client.post(
        note_url(session, "?template=eft"),
        data=note_data("eft", block_trust="4", eft_step="3") | {"ticked_interventions": ticked},
    )
    # Typed since the last save, then switched: the typed text goes with the switch.
    typed = note_data(
        "eft", action="switch", cycle="Typed just now, never saved", block_trust="5"
    ) | {"switch_to": "dap", "ticked_interventions": ticked, "eft_step": "3"}
    response = client.post(note_url(session), data=typed)
    assert response.status_code == 302
    assert response.headers["Location"] == note_url(session)
    [note] = notes()
    assert note.template is NoteTemplate.DAP
    assert note.signed_at is None
    assert note.body["plan"] == TYPED["eft"]["plan"]  # both templates have a plan
    assert note.body["assessment"] == ""
    assert "interventions_used" not in note.body
    data = note.body["data"]
    for key in TYPED["eft"]:
        if key != "plan":
            assert typed[key] in data
    assert "[From “Cycle observed” in the EFT template]\nTyped just now, never saved" in data
    assert "[From “Interventions, ticked” in the EFT template]\nValidation, Heightening" in data
    db.session.refresh(session)
    assert (session.eft_step, session.block_ratings) == (3, {"trust": 5})
    page = client.get(response.headers["Location"]).data.decode()
    assert "The note now uses the DAP template." in page
    assert "move it where it belongs before you sign" in page
    assert textarea(page, "data") == escaped(data).replace("'", "&#39;")
    change = db.session.scalar(
        sa.select(AuditEvent).where(AuditEvent.action == "note.template_change")
    )
    assert (change.detail["old"], change.detail["new"]) == ("eft", "dap")


def test_switching_back_and_forth_keeps_every_word(client, as_counsellor, session):
    client.post(note_url(session, "?template=soap"), data=note_data("soap"))
    for there, back in (("eft", "soap"), ("dap", "eft"), ("soap", "dap")):
        [note] = notes()
        typed = {key: note.body[key] for key in note.body if key in TYPED[note.template.value]}
        response = client.post(
            note_url(session),
            data=typed | {"template": note.template.value, "action": "switch", "switch_to": there},
        )
        assert response.status_code == 302, back
        db.session.expire_all()
    [note] = notes()
    assert note.template is NoteTemplate.SOAP
    everything = " ".join(note.body[key] for key in TYPED["soap"])
    for text in TYPED["soap"].values():
        assert text in everything


def test_switching_with_no_draft_and_nothing_typed_makes_no_draft(client, as_counsellor, session):
    response = client.post(
        note_url(session), data={"template": "eft", "action": "switch", "switch_to": "soap"}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == note_url(session, "?template=soap")
    assert notes() == []


def test_switching_before_the_first_save_keeps_what_was_typed(client, as_counsellor, session):
    response = client.post(
        note_url(session), data=note_data("dap", action="switch") | {"switch_to": "soap"}
    )
    assert response.status_code == 302
    [note] = notes()
    assert note.template is NoteTemplate.SOAP
    assert note.body["assessment"] == TYPED["dap"]["assessment"]
    assert note.body["plan"] == TYPED["dap"]["plan"]
    assert TYPED["dap"]["data"] in note.body["subjective"]


def test_switching_to_the_same_template_saves_the_draft(client, as_counsellor, session):
    client.post(note_url(session, "?template=dap"), data=note_data("dap"))
    response = client.post(
        note_url(session),
        data=note_data("dap", action="switch", plan="Newer") | {"switch_to": "dap"},
    )
    assert response.status_code == 302
    [note] = notes()
    assert (note.template, note.body["plan"]) == (NoteTemplate.DAP, "Newer")


def test_an_unknown_template_to_switch_to_is_400_and_kept(client, as_counsellor, session):
    client.post(note_url(session, "?template=dap"), data=note_data("dap"))
    response = client.post(
        note_url(session), data=note_data("dap", action="switch", plan="Kept") | {"switch_to": "x"}
    )
    assert response.status_code == 400
    page = response.data.decode()
    assert "Choose one of the templates offered." in page
    assert textarea(page, "plan") == "Kept"
    [note] = notes()
    assert note.template is NoteTemplate.DAP


def test_a_switch_that_would_overfill_a_section_is_refused(client, as_counsellor, session):
    client.post(note_url(session, "?template=soap"), data=note_data("soap"))
    long = "x" * 150_000
    response = client.post(
        note_url(session),
        data=note_data("soap", action="switch", subjective=long, objective=long)
        | {"switch_to": "dap"},
    )
    assert response.status_code == 400
    assert "The template was not changed" in response.data.decode()
    [note] = notes()
    assert note.template is NoteTemplate.SOAP


def test_a_signed_notes_template_never_changes(client, as_counsellor, session):
    note = signed_note(session)
    response = client.post(
        note_url(session), data=note_data("dap", action="switch") | {"switch_to": "eft"}
    )
    assert response.status_code == 409
    assert "can no longer be changed" in response.data.decode()
    db.session.refresh(note)
    assert note.template is NoteTemplate.DAP
    assert note.intact


def test_a_form_from_before_a_switch_saves_nothing_over_the_draft(client, as_counsellor, session):
    client.post(note_url(session, "?template=soap"), data=note_data("soap"))
    client.post(note_url(session), data=note_data("soap", action="switch") | {"switch_to": "dap"})
    [note] = notes()
    before = dict(note.body)
    # Another tab still shows the SOAP form and saves it.
    stale = note_data("soap", plan="Typed in the old tab")
    response = client.post(note_url(session), data=stale)
    assert response.status_code == 409
    page = response.data.decode()
    assert "the draft was moved to the DAP template" in page
    assert textarea(page, "plan") == "Typed in the old tab"
    response = client.post(note_url(session, "/autosave"), data=stale)
    assert response.status_code == 409
    assert "moved to the DAP template" in response.json["error"]
    db.session.expire_all()
    [note] = notes()
    assert (note.template, note.body) == (NoteTemplate.DAP, before)


def test_switch_template_keeps_shared_sections_and_heads_the_rest():
    body = {"data": "What they said", "assessment": "", "plan": "Next time"}
    switched = switch_template(body, NoteTemplate.DAP, NoteTemplate.EFT)
    assert switched.moved == ("Data",)
    assert switched.body["cycle"] == "[From “Data” in the DAP template]\nWhat they said"
    assert switched.body["plan"] == "Next time"
    assert switched.body["interventions_used"] == []
    assert {k for k, v in switched.body.items() if v} == {"cycle", "plan"}
    same = switch_template(
        {"assessment": "A", "plan": "P", "data": ""}, NoteTemplate.DAP, NoteTemplate.SOAP
    )
    assert same.moved == ()
    assert same.body == {"subjective": "", "objective": "", "assessment": "A", "plan": "P"}


def test_eft_interventions_text_survives_a_reopen(client, as_counsellor, session):
    url = note_url(session)
    client.post(f"{url}?template=eft", data=note_data("eft"))
    [note] = notes()
    text = TYPED["eft"]["interventions"]
    assert note.body["interventions"] == text
    assert note.body["interventions_used"] == []
    page = client.get(url).data.decode()
    assert textarea(page, "interventions") == text


@pytest.fixture
def homework_between_sessions(case, make_assignment, make_entry):
    """A daily log for Alex from ten days ago, sessions 5 days and 1 day ago.

    Between the sessions (days -5 to -2) four entries were due and two were made;
    before the first, days -10 to -6 were due and one was made.
    """
    today = practice_today()
    log = make_assignment(
        case, "appreciation-noticing-log", "a", cadence="daily", starts_on=today - timedelta(10)
    )
    for days in (-8, -4, -3):
        make_entry(log, case.partners[0], done_on=today + timedelta(days))
    first, second = add_session(case, -5), add_session(case, -1)
    title = log.exercise.title
    return first, second, f"{title} (Alex): 1 of 5", f"{title} (Alex): 2 of 4"


def test_the_eft_note_keeps_homework_since_the_previous_session(
    client, as_counsellor, homework_between_sessions
):
    first, second, before_first, between = homework_between_sessions
    response = client.post(note_url(second, "?template=eft"), data=note_data("eft"))
    assert response.status_code == 302
    [note] = notes()
    assert note.body["homework_snapshot"] == [between]
    client.post(note_url(second), data=note_data("eft", action="sign"))
    page = client.get(f"/cases/{second.case_id}/sessions/{second.id}").data.decode()
    assert "Homework since the previous session" in page
    assert escaped(between) in page
    # The first session's note counts from the start.
    client.post(note_url(first, "?template=eft"), data=note_data("eft"))
    note = db.session.scalar(sa.select(Note).where(Note.session_id == first.id))
    assert note.body["homework_snapshot"] == [before_first]


def test_the_eft_note_form_lists_homework_since_the_previous_session(
    client, as_counsellor, homework_between_sessions
):
    first, second, before_first, between = homework_between_sessions
    response = client.get(note_url(second, "?template=eft"))
    page = response.data.decode()
    assert response.status_code == 200
    assert "Homework since the previous session" in page
    assert escaped(between) in page
    page = client.get(note_url(first, "?template=eft")).data.decode()
    assert "Homework since the start" in page
    assert escaped(before_first) in page


# --- A signed note cannot change ---------------------------------------------


def test_a_signed_note_refuses_a_posted_change(client, as_counsellor, session):
    note = signed_note(session)
    before = (note.body, note.signed_at, note.content_hash)
    response = client.post(note_url(session), data=note_data("dap", data="Rewritten after signing"))
    page = response.data.decode()
    assert response.status_code == 409
    assert (
        f"This note was signed on {note.signed_at:%d %b %Y} and can no longer be changed. "
        "Nothing was saved." in page
    )
    assert "Rewritten after signing" not in page
    db.session.refresh(note)
    assert (note.body, note.signed_at, note.content_hash) == before
    assert note.intact
    assert "note.change_refused" in actions()
    # Signing again changes nothing either.
    response = client.post(note_url(session), data=note_data("dap", action="sign"))
    assert response.status_code == 409
    db.session.refresh(note)
    assert (note.body, note.signed_at, note.content_hash) == before


@pytest.mark.parametrize("template", ["dap", "eft"])
def test_sign_sent_twice_signs_once_and_says_so_both_times(
    client, as_counsellor, session, template
):
    """A double click of Sign, or a browser resending it: one signature, no error."""
    url = note_url(session, f"?template={template}")
    shown = f"/cases/{session.case_id}/sessions/{session.id}"
    first = client.post(url, data=note_data(template, action="sign"))
    [note] = notes()
    signed = (note.body, note.signed_at, note.content_hash)
    second = client.post(url, data=note_data(template, action="sign"))
    assert (first.status_code, second.status_code) == (302, 302)
    assert first.headers["Location"] == second.headers["Location"] == shown
    assert "Note signed." in client.get(shown).data.decode()
    db.session.refresh(note)
    assert (note.body, note.signed_at, note.content_hash) == signed
    assert note.intact
    assert actions().count("note.sign") == 1
    assert "note.change_refused" not in actions()


def test_sign_sent_again_with_other_text_is_refused(client, as_counsellor, session):
    url = note_url(session, "?template=dap")
    client.post(url, data=note_data("dap", action="sign"))
    changed = note_data("dap", action="sign", plan="A plan written after signing")
    response = client.post(url, data=changed)
    assert response.status_code == 409
    assert "can no longer be changed" in response.data.decode()
    [note] = notes()
    assert note.body["plan"] == TYPED["dap"]["plan"]
    assert "note.change_refused" in actions()


def test_a_signed_note_refuses_autosave(client, as_counsellor, session):
    note = signed_note(session)
    before = note.body
    response = client.post(
        note_url(session, "/autosave"), data=note_data("dap", data="Autosaved after signing")
    )
    assert response.status_code == 409
    assert response.json["saved"] is False
    assert "signed" in response.json["error"]
    db.session.refresh(note)
    assert note.body == before
    assert note.intact


@pytest.mark.parametrize(
    "change",
    [
        lambda note: setattr(note, "body", {"data": "Changed in the ORM"}),
        lambda note: setattr(note, "signed_at", now_utc()),
        lambda note: setattr(note, "content_hash", "0" * 64),
        lambda note: db.session.delete(note),
    ],
    ids=["body", "signed_at", "content_hash", "delete"],
)
def test_the_model_layer_refuses_to_change_a_signed_note(session, change):
    note = signed_note(session)
    before = note.body
    change(note)
    with pytest.raises(SignedNoteError):
        db.session.flush()
    db.session.rollback()
    db.session.refresh(note)
    assert note.body == before
    assert note.intact


@pytest.mark.parametrize(
    "change",
    [
        lambda addendum: setattr(addendum, "body", "Changed in the ORM"),
        lambda addendum: db.session.delete(addendum),
    ],
    ids=["body", "delete"],
)
def test_the_model_layer_refuses_to_change_an_addendum(session, change):
    addendum = add_addendum(signed_note(session))
    change(addendum)
    with pytest.raises(SignedNoteError):
        db.session.flush()
    db.session.rollback()
    assert [a.body for a in addenda()] == [addendum.body]


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE notes SET body = 'tampered' WHERE id = :id",
        "UPDATE notes SET signed_at = NULL WHERE id = :id",
        "DELETE FROM notes WHERE id = :id",
        "UPDATE addenda SET body = 'tampered' WHERE note_id = :id",
        "DELETE FROM addenda WHERE note_id = :id",
    ],
    ids=["note-body", "unsign", "delete-note", "addendum-body", "delete-addendum"],
)
def test_the_database_refuses_raw_sql_on_signed_rows(session, sql):
    note = signed_note(session)
    addendum = add_addendum(note)
    with pytest.raises(sa.exc.DBAPIError, match="cannot be changed|kept for good"):
        db.session.execute(sa.text(sql), {"id": note.id})
    db.session.rollback()
    db.session.refresh(note)
    assert note.signed_at is not None
    assert note.intact
    assert [(a.id, a.body) for a in addenda()] == [(addendum.id, addendum.body)]


def test_a_draft_can_still_be_changed_in_sql(session):
    """The trigger guards signed rows only: drafts are the counsellor's to edit."""
    note = signed_note(session)
    draft_session = add_session(session.case, -3)
    draft = draft_note(draft_session)
    db.session.execute(
        sa.text("UPDATE notes SET updated_at = created_at WHERE id = :id"), {"id": draft.id}
    )
    db.session.commit()
    db.session.refresh(note)
    assert note.intact


def test_the_hash_holds_whatever_zone_the_signing_time_was_given_in(session):
    note = signed_note(session)
    note_id = note.id
    other = add_session(session.case, -3)
    draft = Note(
        session_id=other.id,
        case_id=other.case_id,
        template=NoteTemplate.DAP,
        body={"data": "Signed in Auckland time"},
        author_id=other.counsellor_id,
    )
    db.session.add(draft)
    db.session.flush()
    draft.signed_by_id = other.counsellor_id
    draft.signed_at = now_utc().astimezone(ZoneInfo("Pacific/Auckland"))
    draft.content_hash = draft.compute_hash()
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Note, draft.id).intact
    assert db.session.get(Note, note_id).intact


def test_a_tampered_note_is_shown_as_not_matching_its_signature(client, as_counsellor, session):
    note = signed_note(session)
    with db.engine.begin() as conn, LOCKS.lifted(conn):
        conn.execute(
            sa.update(Note).where(Note.id == note.id).values(body={"data": "Quietly rewritten"})
        )
    page = client.get(f"/cases/{session.case_id}/sessions/{session.id}").data.decode()
    assert "Quietly rewritten" in page
    assert "content does not match its signature" in page
    assert "content hash verified" not in page


# --- Bad and big notes -------------------------------------------------------


def test_an_empty_note_cannot_be_signed(client, as_counsellor, session):
    empty = dict.fromkeys(TYPED["dap"], "  ")
    response = client.post(
        note_url(session, "?template=dap"), data=note_data("dap", action="sign", **empty)
    )
    page = response.data.decode()
    assert response.status_code == 400
    assert "A note needs some text before it can be signed." in page
    assert notes() == []
    assert "note.sign" not in actions()


def test_a_100_kb_note_is_stored_and_shown_intact(client, as_counsellor, session):
    text = ("Alex spoke of the weekend and of feeling unseen; Jordan listened. " * 1600)[
        :99_999
    ] + "."
    assert len(text) == 100_000
    response = client.post(
        note_url(session, "?template=dap"), data=note_data("dap", action="sign", data=text)
    )
    assert response.status_code == 302
    [note] = notes()
    assert note.body["data"] == text
    assert note.intact
    page = client.get(f"/cases/{session.case_id}/sessions/{session.id}").data.decode()
    assert text in page
    assert "content hash verified" in page


def test_an_overlong_section_is_400_and_kept(client, as_counsellor, session):
    text = "x" * 200_001
    response = client.post(note_url(session, "?template=dap"), data=note_data("dap", data=text))
    page = response.data.decode()
    assert response.status_code == 400
    assert "Keep each section under 200,000 characters." in page
    assert TYPED["dap"]["plan"] in page
    assert notes() == []


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"eft_step": "10"}, "Not a valid choice"),
        ({"block_trust": "11"}, "0 to 10."),
        ({"block_trust": "lots"}, "Not a valid integer value."),
    ],
    ids=["step-10", "rating-11", "rating-text"],
)
def test_a_bad_step_or_rating_is_400_and_kept(client, as_counsellor, session, change, message):
    response = client.post(note_url(session, "?template=eft"), data=note_data("eft", **change))
    page = response.data.decode()
    assert response.status_code == 400
    assert message in page
    assert textarea(page, "cycle") == TYPED["eft"]["cycle"]
    assert notes() == []
    db.session.refresh(session)
    assert session.eft_step is None


def test_step_and_ratings_are_kept_on_the_session(client, as_counsellor, session):
    response = client.post(
        note_url(session, "?template=eft"),
        data=note_data("eft", eft_step="3", block_trust="4", block_communication="6"),
    )
    assert response.status_code == 302
    db.session.refresh(session)
    assert session.eft_step == 3
    assert session.eft_stage == 1
    assert session.block_ratings == {"trust": 4, "communication": 6}
    page = client.get(f"/cases/{session.case_id}/sessions/{session.id}").data.decode()
    assert "Stage 1 (de-escalation), step 3: Access the emotions" in page


@pytest.mark.parametrize("action", ["save", "sign"])
def test_the_session_page_shows_the_notes_ratings(client, as_counsellor, session, action):
    client.post(
        note_url(session, "?template=dap"),
        data=note_data("dap", action=action, block_trust="4", block_communication="7"),
    )
    [note] = notes()
    assert note.signed == (action == "sign")
    page = client.get(f"/cases/{session.case_id}/sessions/{session.id}").data.decode()
    ratings = page[page.index("Building blocks this session, rated 0–10") :]
    assert re.search(r">Communication</th><td>7<", ratings)
    assert re.search(r">Trust</th><td>4<", ratings)
    assert "Mutual respect" not in ratings  # not rated, not shown
    assert "DAP template" in page


def test_no_ratings_no_ratings_table(client, as_counsellor, session):
    client.post(note_url(session, "?template=dap"), data=note_data("dap", action="sign"))
    page = client.get(f"/cases/{session.case_id}/sessions/{session.id}").data.decode()
    assert "Building blocks this session" not in page


def test_markup_in_a_note_is_shown_escaped(client, as_counsellor, session):
    text = "<script>alert(1)</script> & <b>bold</b> ünïcødé"
    client.post(note_url(session, "?template=dap"), data=note_data("dap", data=text))
    client.post(note_url(session), data=note_data("dap", action="sign", data=text))
    [note] = notes()
    assert note.body["data"] == text
    page = client.get(f"/cases/{session.case_id}/sessions/{session.id}").data.decode()
    assert escaped(text) in page
    assert "<script>alert(1)</script>" not in page
    assert "<b>bold</b>" not in page


# --- Addenda -----------------------------------------------------------------

ADDENDUM = "Correction: the holiday row was in March, not April"


def test_an_addendum_is_appended_signed_and_time_stamped(client, as_counsellor, session):
    note = signed_note(session)
    before = (note.body, note.signed_at, note.content_hash)
    url = note_url(session, "/addenda")
    response = client.post(url, data={"form_token": "a-" + "0" * 30, "body": ADDENDUM})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/cases/{session.case_id}/sessions/{session.id}"
    [addendum] = addenda()
    assert addendum.note_id == note.id
    assert addendum.body == ADDENDUM
    assert addendum.signed_by_id == as_counsellor.id
    assert now_utc() - addendum.signed_at < timedelta(minutes=1)
    assert addendum.intact
    db.session.refresh(note)
    assert (note.body, note.signed_at, note.content_hash) == before
    assert note.intact
    page = client.get(response.headers["Location"]).data.decode()
    assert "Addendum signed and added." in page
    assert f"{as_counsellor.name}, {format_datetime(addendum.signed_at)}" in page
    assert page.index(note.body["data"]) < page.index(ADDENDUM)
    assert "content hash verified" in page
    assert "note.amend" in actions()


def test_a_double_submitted_addendum_is_added_once(client, as_counsellor, session):
    signed_note(session)
    url = note_url(session, "/addenda")
    data = {"form_token": "same-token-1234", "body": ADDENDUM}
    first = client.post(url, data=data)
    second = client.post(url, data=data)
    assert first.status_code == second.status_code == 302
    assert len(addenda()) == 1
    assert actions().count("note.amend") == 1


def test_an_empty_addendum_is_400(client, as_counsellor, session):
    note = signed_note(session)
    response = client.post(note_url(session, "/addenda"), data={"form_token": "e1", "body": ""})
    page = response.data.decode()
    assert response.status_code == 400
    assert "Write the correction or addition." in page
    assert note.body["data"] in page
    assert addenda() == []


def test_addenda_are_only_for_signed_notes(client, as_counsellor, session):
    client.post(note_url(session, "?template=dap"), data=note_data("dap"))
    response = client.post(
        note_url(session, "/addenda"), data={"form_token": "d1", "body": ADDENDUM}
    )
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).data.decode()
    assert "Addenda are for signed notes; a draft can simply be edited." in page
    assert addenda() == []
    # No note at all: the same.
    bare = add_session(session.case, -3)
    response = client.post(note_url(bare, "/addenda"), data={"form_token": "d2", "body": "x"})
    assert response.status_code == 302
    assert addenda() == []


def test_addenda_show_under_the_note(client, as_counsellor, session):
    note = signed_note(session)
    first = add_addendum(note, "First correction")
    second = add_addendum(note, "Second <correction> & more")
    page = client.get(f"/cases/{session.case_id}/sessions/{session.id}").data.decode()
    assert page.index(note.body["data"]) < page.index("First correction")
    assert page.index("First correction") < page.index("Second &lt;correction&gt; &amp; more")
    assert f"{as_counsellor.name}, {format_datetime(first.signed_at)}" in page
    assert f"{as_counsellor.name}, {format_datetime(second.signed_at)}" in page
    assert "content does not match" not in page
    assert first.intact
    assert second.intact


# --- Encryption at rest ------------------------------------------------------


def test_note_bodies_and_addenda_are_encrypted_at_rest(session):
    note = signed_note(session, text="Alex disclosed a gambling debt")
    add_addendum(note, "Jordan knew about the debt since spring")
    raw_note = db.session.scalar(sa.text("SELECT body FROM notes WHERE id = :id"), {"id": note.id})
    raw_addendum = db.session.scalar(sa.text("SELECT body FROM addenda"))
    for raw, text in ((raw_note, "gambling"), (raw_addendum, "spring")):
        assert raw
        assert text not in raw
        assert raw.startswith("gAAAAA")  # a Fernet token
    db.session.refresh(note)
    assert note.body["data"] == "Alex disclosed a gambling debt"


# --- Autosave and the logged-out ---------------------------------------------


def test_autosave_saves_the_draft(client, as_counsellor, session):
    response = client.post(note_url(session, "/autosave"), data=note_data("soap"))
    assert response.status_code == 200
    assert response.json["saved"] is True
    [note] = notes()
    assert note.template is NoteTemplate.SOAP
    assert note.body["subjective"] == TYPED["soap"]["subjective"]
    assert note.signed_at is None
    # Again, with more typed: the same draft.
    response = client.post(
        note_url(session, "/autosave"), data=note_data("soap", plan="Plan, more of it")
    )
    assert response.json["saved"] is True
    [note] = notes()
    assert note.body["plan"] == "Plan, more of it"
    assert [a for a in actions() if a.startswith("note.")] == ["note.create", "note.save"]


def test_autosave_refuses_bad_input_as_json(client, as_counsellor, session):
    response = client.post(note_url(session, "/autosave"), data=note_data("soap", block_trust="99"))
    assert response.status_code == 400
    assert response.json["saved"] is False
    assert "block_trust" in response.json["errors"]
    assert notes() == []


def test_autosave_logged_out_redirects_a_browser_to_log_in(client, counsellor, session):
    response = client.post(note_url(session, "/autosave"), data=note_data("dap"))
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")
    assert notes() == []


def test_autosave_logged_out_answers_401_json(client, counsellor, session):
    response = client.post(
        note_url(session, "/autosave"),
        data=note_data("dap"),
        headers={"Accept": "application/json"},
    )
    assert notes() == []
    assert response.status_code == 401
    assert response.json["error"] == "login needed"
    assert response.json["login"] == "/login"


def test_autosave_logged_out_saves_nothing_even_for_json(client, counsellor, session):
    response = client.post(
        note_url(session, "/autosave"),
        data=note_data("dap"),
        headers={"Accept": "application/json"},
    )
    assert response.status_code in {302, 401}
    assert notes() == []


def test_a_note_typed_across_an_idle_logout_is_not_lost(client, auth, counsellor, session, go_idle):
    auth.login(counsellor)
    assert client.get(f"/cases/{session.case_id}/sessions/{session.id}").status_code == 200
    go_idle()  # the login times out while the note is being typed
    response = client.post(note_url(session, "?template=dap"), data=note_data("dap"))
    assert response.status_code == 302
    login_url = response.headers["Location"]
    assert login_url.startswith("/login")
    assert notes() == []
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ParkedForm)) == 1
    page = client.get(login_url).data.decode()
    assert "Your login had ended, so nothing was saved yet." in page
    # The login form posts back to where it was (with ?next=).
    response = client.post(login_url, data={"email": counsellor.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"] == note_url(session)
    with client.session_transaction() as cookie:
        assert SESSION_KEY in cookie, "the login forgot the parked form"
    response = client.get(note_url(session))
    page = response.data.decode()
    assert response.status_code == 200
    assert "This is what you had typed before your login ended." in page
    for key, text in TYPED["dap"].items():
        assert textarea(page, key) == text
    assert notes() == []
    response = client.post(note_url(session, "?template=dap"), data=note_data("dap"))
    assert response.status_code == 302
    [note] = notes()
    assert note.body["data"] == TYPED["dap"]["data"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ParkedForm)) == 0


def park(client, session, fields) -> None:
    """A form parked for the note page, as park_and_login leaves it, in this browser."""
    login = db.session.scalar(sa.select(LoginSession).order_by(LoginSession.id.desc()))
    db.session.add(
        ParkedForm(
            token_hash=hash_token("parked-token"),
            path=note_url(session),
            fields=fields,
            login_session_id=login.id,
        )
    )
    db.session.commit()
    with client.session_transaction() as cookie:
        cookie[SESSION_KEY] = "parked-token"


def test_a_parked_note_comes_back_into_the_form(client, as_counsellor, session):
    park(client, session, [[key, text] for key, text in note_data("dap").items()])
    response = client.get(note_url(session))
    page = response.data.decode()
    assert response.status_code == 200
    assert "This is what you had typed before your login ended." in page
    for key, text in TYPED["dap"].items():
        assert textarea(page, key) == text
    assert notes() == []


def test_a_parked_note_is_forgotten_once_sent(client, as_counsellor, session):
    park(client, session, [[key, text] for key, text in note_data("dap").items()])
    response = client.post(note_url(session, "?template=dap"), data=note_data("dap"))
    assert response.status_code == 302
    [note] = notes()
    assert note.body["data"] == TYPED["dap"]["data"]
    with client.session_transaction() as cookie:
        assert SESSION_KEY not in cookie
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ParkedForm)) == 0


def test_the_eft_note_names_each_partners_position(client, as_counsellor, session):
    """Alex's and Jordan's places in the cycle, under their names, as written and as signed."""
    form = client.get(note_url(session, "?template=eft")).data.decode()
    assert "Alex’s position" in form
    assert "Jordan’s position" in form
    assert "Partner A" not in form
    client.post(note_url(session), data=note_data("eft", action="sign"))
    page = client.get(f"/cases/{session.case_id}/sessions/{session.id}").data.decode()
    assert "Alex’s position" in page
    assert "Partner A" not in page


def test_the_cycle_form_names_each_partners_position(client, as_counsellor, case):
    page = client.get(f"/cases/{case.id}/cycle").data.decode()
    assert "Alex’s position" in page
    assert "Jordan’s position" in page
    assert "Partner A" not in page
