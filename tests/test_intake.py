"""Each partner's intake form: a draft on the server, sent once, read by the counsellor;
the owner's form in versions that never change the answers already given."""

import pytest
import sqlalchemy as sa
from cryptography.fernet import Fernet

from practice.audit.models import AuditEvent
from practice.extensions import db
from practice.intake.locks import LOCKS as INTAKE_LOCKS
from practice.intake.models import FixedRecordError, IntakeAnswers, IntakeForm
from tests.factories import sign_in

#: Every required question of Mend's own form, answered.
REQUIRED = {
    "q_phone": "555 0100",
    "q_messages": "Texts only",
    "q_emergency_name": "Robin Friend",
    "q_emergency_phone": "555 0199",
    "q_brings": "MARKER-WHAT-BRINGS-ALEX",
    "q_hopes": "To argue less.",
}


def send(browser, **answers):
    return browser.post("/portal/intake", data={**REQUIRED, **answers, "action": "send"})


def answers_of(partner) -> IntakeAnswers | None:
    return db.session.scalar(sa.select(IntakeAnswers).where(IntakeAnswers.partner_id == partner.id))


def actions() -> list[str]:
    return list(db.session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)))


# --- The partner's side ------------------------------------------------------------


def test_a_draft_is_kept_on_the_server_and_comes_back(app, alex):
    browser = sign_in(app, alex.user)
    page = browser.get("/portal/intake").get_data(as_text=True)
    assert "they never see your answers" in page
    assert 'data-autosave="/portal/intake/draft"' in page
    assert 'data-draft-copy="while-failing"' in page  # nothing waits in the browser
    response = browser.post("/portal/intake/draft", data={"q_brings": "Half a thought"})
    assert response.status_code == 200
    assert response.json["saved"] is True
    kept = answers_of(alex)
    assert kept.answers == {"brings": "Half a thought"}
    assert not kept.submitted
    assert "Half a thought" in browser.get("/portal/intake").get_data(as_text=True)
    # "Save and finish later" does the same from the form itself.
    response = browser.post("/portal/intake", data={"q_hopes": "More", "action": "draft"})
    assert response.status_code == 302
    db.session.expire_all()
    assert answers_of(alex).answers == {"hopes": "More"}


def test_a_draft_that_cannot_be_kept_says_why(app, alex):
    browser = sign_in(app, alex.user)
    response = browser.post("/portal/intake/draft", data={"q_hopeful": "11"})
    assert response.status_code == 400
    assert response.json["error"] == "Choose a number from 0 to 10."
    assert answers_of(alex) is None


def test_sending_fixes_the_answers_for_the_counsellor(app, case, alex, counsellor):
    browser = sign_in(app, alex.user)
    response = send(browser, q_hopeful="6", q_birth_date="1987-06-14")
    assert response.status_code == 302
    sent = answers_of(alex)
    assert sent.submitted
    assert sent.submitted_by_id == alex.user_id
    assert sent.answers["brings"] == "MARKER-WHAT-BRINGS-ALEX"
    assert sent.form.version == 1
    mine = browser.get("/portal/intake").get_data(as_text=True)
    assert "MARKER-WHAT-BRINGS-ALEX" in mine
    assert "cannot be changed now" in mine
    as_counsellor = sign_in(app, counsellor)
    case_page = as_counsellor.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "MARKER-WHAT-BRINGS-ALEX" not in case_page  # the page says it was sent, no more
    assert "Intake:" in case_page
    assert "/partners/a/intake" in case_page
    page = as_counsellor.get(f"/cases/{case.id}/partners/a/intake").get_data(as_text=True)
    assert "MARKER-WHAT-BRINGS-ALEX" in page
    assert "6 (on a scale from 0 to 10)" in page
    assert "14 June 1987" in page
    assert "Sent by Alex from the portal" in page
    assert actions().count("intake.view") == 2  # Alex reading it back, then the counsellor
    assert "intake.submit" in actions()


def test_a_form_missing_a_required_answer_is_refused_and_keeps_what_was_typed(app, alex):
    browser = sign_in(app, alex.user)
    response = browser.post(
        "/portal/intake",
        data={"q_phone": "555 0100", "q_anything_else": "Kept <b>words</b>", "action": "send"},
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert page.count("Please answer this question.") == 5
    assert "Kept &lt;b&gt;words&lt;/b&gt;" in page
    assert 'value="555 0100"' in page
    assert answers_of(alex) is None  # a refused form writes nothing, not even a draft


def test_answers_are_sent_once(app, alex):
    browser = sign_in(app, alex.user)
    assert send(browser).status_code == 302
    again = send(browser, q_hopes="Something else")
    assert again.status_code == 409
    assert "already sent" in again.get_data(as_text=True)
    assert "Something else" in again.get_data(as_text=True)
    db.session.expire_all()
    assert answers_of(alex).answers["hopes"] == "To argue less."
    assert browser.post("/portal/intake/draft", data={"q_hopes": "x"}).status_code == 409


def test_answers_are_encrypted_at_rest(app, alex):
    send(sign_in(app, alex.user))
    [raw] = db.session.scalars(sa.text("SELECT answers FROM intake_answers")).all()
    assert "MARKER-WHAT-BRINGS-ALEX" not in raw
    assert "555 0100" not in raw


# --- The counsellor's side ---------------------------------------------------------


def test_the_counsellor_enters_answers_for_a_partner(app, case, jordan, counsellor):
    as_counsellor = sign_in(app, counsellor)
    response = as_counsellor.post(
        f"/cases/{case.id}/partners/b/intake", data={**REQUIRED, "q_brings": "Told in session"}
    )
    assert response.status_code == 302
    sent = answers_of(jordan)
    assert sent.submitted
    assert sent.submitted_by_id == counsellor.id
    assert sent.entered_for_them
    page = as_counsellor.get(f"/cases/{case.id}/partners/b/intake").get_data(as_text=True)
    assert "Entered by Casey Counsellor for Jordan" in page
    # Jordan reads what was entered for them, fixed as if they had sent it.
    portal = sign_in(app, jordan.user).get("/portal/intake").get_data(as_text=True)
    assert "Told in session" in portal


def test_the_counsellor_does_not_see_a_draft(app, case, alex, counsellor):
    sign_in(app, alex.user).post("/portal/intake/draft", data={"q_brings": "MARKER-DRAFT"})
    page = sign_in(app, counsellor).get(f"/cases/{case.id}/partners/a/intake")
    text = page.get_data(as_text=True)
    assert "MARKER-DRAFT" not in text
    assert "Alex began the form in the portal" in text
    assert "begun in the portal, not sent" in (
        sign_in(app, counsellor).get(f"/cases/{case.id}").get_data(as_text=True)
    )


def test_the_counsellor_refused_a_required_answer_keeps_what_was_typed(app, case, counsellor):
    response = sign_in(app, counsellor).post(
        f"/cases/{case.id}/partners/a/intake", data={"q_hopes": "Typed by the counsellor"}
    )
    assert response.status_code == 400
    assert "Typed by the counsellor" in response.get_data(as_text=True)


# --- The owner's form, in versions ---------------------------------------------------


def test_a_new_version_never_changes_the_answers_given(app, owner, case, alex, jordan, counsellor):
    send(sign_in(app, alex.user))
    sign_in(app, jordan.user).post(
        "/portal/intake/draft", data={"q_phone": "555 0200", "q_brings": "Jordan's start"}
    )
    as_owner = sign_in(app, owner)
    # The owner rewords one question, takes another out and adds a third.
    response = as_owner.post(
        "/admin/intake/questions/phone",
        data={"kind": "short", "label": "Your mobile number", "required": "y"},
    )
    assert response.status_code == 302
    assert as_owner.post("/admin/intake/questions/brings/remove").status_code == 302
    response = as_owner.post(
        "/admin/intake/questions/new",
        data={"kind": "choice", "label": "How did you hear of us?", "options": "Friend\nWeb"},
    )
    assert response.status_code == 302
    # Until it is published, partners still answer version 1.
    assert "Your mobile number" not in sign_in(app, jordan.user).get("/portal/intake").text
    assert as_owner.post("/admin/intake/publish").status_code == 302
    forms = db.session.scalars(sa.select(IntakeForm).order_by(IntakeForm.version)).all()
    assert [f.version for f in forms] == [1, 2]
    assert all(f.published for f in forms)
    assert [q["label"] for q in forms[0].questions if q["key"] == "phone"] == ["Your phone number"]

    # Alex's answers stay with version 1, as asked.
    sent = answers_of(alex)
    assert sent.form.version == 1
    page = sign_in(app, counsellor).get(f"/cases/{case.id}/partners/a/intake").text
    assert "Your phone number" in page
    assert "MARKER-WHAT-BRINGS-ALEX" in page
    assert "version 1 of the practice" in page
    # Jordan's draft moves to version 2 with what still fits.
    jordan_page = sign_in(app, jordan.user).get("/portal/intake").text
    assert "Your mobile number" in jordan_page
    assert 'value="555 0200"' in jordan_page
    assert "Jordan's start" not in jordan_page
    assert "How did you hear of us?" in jordan_page


def test_the_builder_refuses_a_bad_question_beside_its_field(app, owner):
    as_owner = sign_in(app, owner)
    response = as_owner.post(
        "/admin/intake/questions/new",
        data={"kind": "choice", "label": "Pick one <i>please</i>", "options": "Only this"},
    )
    assert response.status_code == 400
    page = response.text
    assert "Give at least two options, one on each line." in page
    assert "Pick one &lt;i&gt;please&lt;/i&gt;" in page
    response = as_owner.post(
        "/admin/intake/questions/new",
        data={"kind": "scale", "label": "How much?", "low": "5", "high": "x"},
    )
    assert response.status_code == 400
    assert db.session.scalar(sa.select(sa.func.count()).select_from(IntakeForm)) == 0


def test_the_builder_moves_removes_discards_and_publishes(app, owner):
    as_owner = sign_in(app, owner)
    as_owner.post("/admin/intake/questions/phone/move", data={"to": "up"})
    draft = db.session.scalar(sa.select(IntakeForm).where(IntakeForm.published_at.is_(None)))
    assert [q["key"] for q in draft.questions[:2]] == ["phone", "about_you"]
    assert draft.version == 2  # Mend's form was written down as version 1
    response = as_owner.post("/admin/intake/discard")
    assert response.status_code == 302
    assert db.session.scalar(sa.select(IntakeForm).where(IntakeForm.published_at.is_(None))) is None
    response = as_owner.post("/admin/intake/publish", follow_redirects=True)
    assert "There is no draft to publish" in response.text
    assert as_owner.get("/admin/intake/versions/1").status_code == 200
    assert as_owner.get("/admin/intake/versions/2").status_code == 404


# --- Locked in the database ----------------------------------------------------------


def _sent_and_draft(app, alex, jordan) -> tuple[IntakeAnswers, IntakeAnswers]:
    send(sign_in(app, alex.user))
    sign_in(app, jordan.user).post("/portal/intake/draft", data={"q_phone": "1"})
    return answers_of(alex), answers_of(jordan)


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE intake_answers SET answers = 'tampered' WHERE id = :sent",
        "UPDATE intake_answers SET submitted_at = NULL WHERE id = :sent",
        "DELETE FROM intake_answers WHERE id = :sent",
        "UPDATE intake_forms SET questions = '[]' WHERE version = 1",
        "DELETE FROM intake_forms WHERE version = 1",
    ],
    ids=["answers", "unsend", "delete-answers", "questions", "delete-form"],
)
def test_the_database_refuses_to_change_what_is_fixed(app, alex, jordan, sql):
    sent, _ = _sent_and_draft(app, alex, jordan)
    with pytest.raises(sa.exc.DBAPIError, match="cannot be changed|kept for good"):
        db.session.execute(sa.text(sql), {"sent": sent.id})
    db.session.rollback()
    assert answers_of(alex).answers["brings"] == "MARKER-WHAT-BRINGS-ALEX"


def test_the_orm_refuses_too_and_a_draft_stays_free(app, alex, jordan):
    sent, draft = _sent_and_draft(app, alex, jordan)
    sent.answers = {"brings": "changed"}
    with pytest.raises(FixedRecordError):
        db.session.flush()
    db.session.rollback()
    db.session.execute(
        sa.text("UPDATE intake_answers SET updated_at = started_at WHERE id = :id"),
        {"id": draft.id},
    )
    db.session.commit()


def test_rotating_the_key_rewrites_sent_answers(app, config_class, make_app, alex, jordan):
    _sent_and_draft(app, alex, jordan)
    new_key = Fernet.generate_key().decode()
    rotated = make_app(
        type("Rotated", (config_class,), {"NOTES_KEYS": f"{new_key},{config_class.NOTES_KEYS}"})
    )
    with rotated.app_context():
        result = rotated.test_cli_runner().invoke(args=["rotate-keys"])
    assert result.exit_code == 0, result.output
    assert "intake_answers.answers: 2" in result.output
    db.session.rollback()
    for token in db.session.scalars(sa.text("SELECT answers FROM intake_answers")):
        Fernet(new_key).decrypt(token.encode())
    # The lock is back once the rotation is done.
    with pytest.raises(sa.exc.DBAPIError), db.engine.begin() as conn:
        conn.exec_driver_sql("DELETE FROM intake_answers WHERE submitted_at IS NOT NULL")


def test_the_clean_up_may_pass_the_locks(app, alex, jordan):
    _sent_and_draft(app, alex, jordan)
    with db.engine.begin() as conn, INTAKE_LOCKS.lifted(conn):
        conn.exec_driver_sql("DELETE FROM intake_answers")
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(IntakeAnswers)) == 0
