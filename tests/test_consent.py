"""Consent: the owner's documents in versions, each partner's signature (fixed, its hash
checked when shown), signed copies, and joint sessions held until both have signed."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from practice.audit.models import AuditEvent
from practice.consent.documents import TEMPLATE_NOTE, publish, save_draft
from practice.consent.gate import missing_for
from practice.consent.locks import LOCKS as CONSENT_LOCKS
from practice.consent.models import (
    ConsentDocument,
    ConsentSignature,
    DocumentKind,
    FixedRecordError,
)
from practice.consent.rules import VIDEO, text_digest
from practice.database import now_utc
from practice.dates import format_datetime, practice_today
from practice.extensions import db
from practice.sessions.models import Session, SessionMode, SessionStatus
from tests.factories import add_session, pdf_text, publish_consent, sign_documents, sign_in

IN_PERSON = (DocumentKind.COUNSELLING, DocumentKind.CONFIDENTIALITY, DocumentKind.PRIVACY)


def signatures() -> list[ConsentSignature]:
    return db.session.scalars(sa.select(ConsentSignature).order_by(ConsentSignature.id)).all()


def actions() -> list[str]:
    return list(db.session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)))


def book(browser, case, token, **change):
    data = {
        "form_token": token + "0" * (32 - len(token)),
        "day": (practice_today() + timedelta(days=1)).isoformat(),
        "time": "09:00",
        "duration": "50",
        "status": "scheduled",
        "with_whom": "all",
        "handout_summary": "",
        **change,
    }
    return browser.post(f"/cases/{case.id}/sessions/new", data=data)


# --- The owner's documents -----------------------------------------------------------


def test_a_template_is_not_published_until_its_note_is_gone(app, owner):
    as_owner = sign_in(app, owner)
    page = as_owner.get("/admin/consent/privacy").text
    assert TEMPLATE_NOTE in page
    assert "Mend’s template" in page
    body = page.split('name="body"')[1].split(">", 1)[1].split("</textarea>")[0]
    response = as_owner.post(
        "/admin/consent/privacy",
        data={"title": "Privacy notice", "body": body, "action": "publish"},
    )
    assert response.status_code == 400
    assert "still carries the" in response.text
    assert "What we keep" in response.text  # what was typed is kept
    assert db.session.scalar(sa.select(ConsentDocument.published_at)) is None
    reviewed = "We keep your notes safe.\n\nAsk us for a copy."
    response = as_owner.post(
        "/admin/consent/privacy",
        data={"title": "Privacy notice", "body": reviewed, "action": "publish"},
    )
    assert response.status_code == 302
    document = db.session.scalar(sa.select(ConsentDocument))
    assert (document.version, document.published) == (1, True)
    assert document.text_sha256 == text_digest("Privacy notice", reviewed)
    assert "consent.publish" in actions()


def test_bad_input_is_refused_beside_the_field_and_kept(app, owner):
    as_owner = sign_in(app, owner)
    response = as_owner.post(
        "/admin/consent/confidentiality",
        data={"title": "  ", "body": "Our <em>own</em> words", "action": "save"},
    )
    assert response.status_code == 400
    assert "Give the document a title." in response.text
    assert "Our &lt;em&gt;own&lt;/em&gt; words" in response.text
    response = as_owner.post(
        "/admin/consent/confidentiality",
        data={"title": "Secrets", "body": "Words", "policy": "no-such", "action": "save"},
    )
    assert response.status_code == 400
    assert "Choose which policy this document states." in response.text
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ConsentDocument)) == 0


def test_publishing_a_change_makes_a_new_version(app, owner):
    publish_consent(owner, [DocumentKind.COUNSELLING])
    as_owner = sign_in(app, owner)
    data = {"title": "Consent to counselling", "body": "Newer words.", "action": "save"}
    assert as_owner.post("/admin/consent/counselling", data=data).status_code == 302
    assert "draft of version 2" in as_owner.get("/admin/consent/").text
    data["action"] = "publish"
    assert as_owner.post("/admin/consent/counselling", data=data).status_code == 302
    versions = db.session.scalars(sa.select(ConsentDocument).order_by(ConsentDocument.version))
    assert [(d.version, d.body) for d in versions] == [
        (1, "The practice's consent to counselling, for testing."),
        (2, "Newer words."),
    ]
    assert "matches it" in as_owner.get("/admin/consent/counselling/versions/1").text


# --- Signing ---------------------------------------------------------------------------


def test_a_partner_signs_with_their_typed_name(app, owner, alex):
    documents = publish_consent(owner)
    as_alex = sign_in(app, alex.user)
    assert "to read and sign" in as_alex.get("/portal/consent").text
    page = as_alex.get("/portal/consent/counselling").text
    assert "The practice&#39;s consent to counselling" in page
    counselling = documents[DocumentKind.COUNSELLING]
    response = as_alex.post(
        "/portal/consent/counselling",
        data={"shown": str(counselling.id), "agree": "y", "typed_name": "A. Morgan"},
    )
    assert response.status_code == 400
    assert "Type your full name as the practice has it: Alex Morgan." in response.text
    assert 'value="A. Morgan"' in response.text
    response = as_alex.post(
        "/portal/consent/counselling",
        data={"shown": str(counselling.id), "typed_name": "alex  morgan"},
    )
    assert response.status_code == 400
    assert "Tick the box" in response.text
    assert signatures() == []
    response = as_alex.post(
        "/portal/consent/counselling",
        data={"shown": str(counselling.id), "agree": "y", "typed_name": "alex  morgan"},
    )
    assert response.status_code == 302
    [signature] = signatures()
    assert signature.typed_name == "alex morgan"
    assert signature.document_id == counselling.id
    assert signature.text_sha256 == counselling.text_sha256
    assert signature.signed_from == "127.0.0.1"
    assert signature.user_id == alex.user_id
    assert abs(signature.signed_at - now_utc()) < timedelta(minutes=1)
    assert "consent.sign" in actions()
    page = as_alex.get("/portal/consent/counselling").text
    assert "You signed this version" in page
    # Sent again (a second tab): still one signature.
    as_alex.post(
        "/portal/consent/counselling",
        data={"shown": str(counselling.id), "agree": "y", "typed_name": "Alex Morgan"},
    )
    assert len(signatures()) == 1


def test_a_version_published_while_reading_is_not_signed_unread(app, owner, alex):
    old = publish_consent(owner, [DocumentKind.PRIVACY])[DocumentKind.PRIVACY]
    save_draft(DocumentKind.PRIVACY, "Privacy notice", "Newer text.", None, owner, now_utc())
    publish(DocumentKind.PRIVACY, owner, now_utc())
    db.session.commit()
    response = sign_in(app, alex.user).post(
        "/portal/consent/privacy",
        data={"shown": str(old.id), "agree": "y", "typed_name": "Alex Morgan"},
    )
    assert response.status_code == 400
    assert "published a new version of this document while you were reading" in response.text
    assert "Newer text." in response.text
    assert signatures() == []


def test_the_signed_copy_holds_the_text_and_the_readers_own_signature(
    app, owner, case, alex, jordan, counsellor
):
    documents = publish_consent(owner, [DocumentKind.COUNSELLING])
    [mine] = sign_documents(alex, documents.values(), address="198.51.100.7")
    [theirs] = sign_documents(jordan, documents.values(), address="198.51.100.9")
    response = sign_in(app, alex.user).get(f"/portal/consent/signatures/{mine.id}.pdf")
    assert response.status_code == 200
    text = pdf_text(response.data)
    assert "The practice's consent to counselling" in text
    assert "Alex Morgan" in text
    assert "198.51.100.7" in text
    assert mine.text_sha256 in text
    assert "the text above is the text signed" in text
    assert "Jordan" not in text
    assert "198.51.100.9" not in text
    assert (
        sign_in(app, alex.user).get(f"/portal/consent/signatures/{theirs.id}.pdf").status_code
        == 404
    )
    copy = sign_in(app, counsellor).get(f"/cases/{case.id}/consent/signatures/{theirs.id}.pdf")
    assert "Jordan Morgan" in pdf_text(copy.data)


# --- Fixed, and checked when shown ---------------------------------------------------


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE consent_signatures SET typed_name = 'Someone Else'",
        "UPDATE consent_signatures SET text_sha256 = 'x'",
        "DELETE FROM consent_signatures",
        "UPDATE consent_documents SET body = 'Quietly rewritten'",
        "DELETE FROM consent_documents",
    ],
    ids=["name", "hash", "delete-signature", "document-text", "delete-document"],
)
def test_the_database_refuses_to_change_a_signature_or_a_published_version(app, owner, alex, sql):
    documents = publish_consent(owner, [DocumentKind.COUNSELLING])
    sign_documents(alex, documents.values())
    with pytest.raises(sa.exc.DBAPIError, match="cannot be changed|kept for good"):
        db.session.execute(sa.text(sql))
    db.session.rollback()
    [signature] = signatures()
    assert signature.typed_name == "Alex Morgan"
    assert signature.verified


@pytest.mark.parametrize(
    "change",
    [
        lambda s: setattr(s, "typed_name", "Someone Else"),
        lambda s: db.session.delete(s),
        lambda s: setattr(s.document, "body", "Changed in the ORM"),
    ],
    ids=["name", "delete", "document"],
)
def test_the_orm_refuses_it_too(app, owner, alex, change):
    documents = publish_consent(owner, [DocumentKind.COUNSELLING])
    [signature] = sign_documents(alex, documents.values())
    change(signature)
    with pytest.raises(FixedRecordError):
        db.session.flush()
    db.session.rollback()


def test_a_draft_document_may_still_change(app, owner):
    save_draft(DocumentKind.VIDEO, "Video", "Draft words.", None, owner, now_utc())
    db.session.commit()
    db.session.execute(sa.text("UPDATE consent_documents SET body = 'Other draft words.'"))
    db.session.commit()


def test_text_changed_behind_the_apps_back_shows_as_not_matching(
    app, owner, case, alex, counsellor
):
    documents = publish_consent(owner, [DocumentKind.COUNSELLING])
    [signature] = sign_documents(alex, documents.values())
    as_counsellor = sign_in(app, counsellor)
    assert "matches" in as_counsellor.get(f"/cases/{case.id}/consent").text
    with db.engine.begin() as conn, CONSENT_LOCKS.lifted(conn):
        conn.exec_driver_sql("UPDATE consent_documents SET body = 'Quietly rewritten'")
    page = as_counsellor.get(f"/cases/{case.id}/consent").text
    assert "does not match" in page
    assert "text does not match the signature" in as_counsellor.get(f"/cases/{case.id}").text
    copy = as_counsellor.get(f"/cases/{case.id}/consent/signatures/{signature.id}.pdf")
    assert "WARNING: the text above does not match the text signed" in pdf_text(copy.data)
    # Nobody can sign a text that is no longer the one published.
    response = sign_in(app, case.partners[1].user).post(
        "/portal/consent/counselling",
        data={
            "shown": str(documents[DocumentKind.COUNSELLING].id),
            "agree": "y",
            "typed_name": "Jordan Morgan",
        },
    )
    assert response.status_code == 400
    assert "does not match the version the practice published" in response.text


# --- What the counsellor sees --------------------------------------------------------


def test_the_counsellor_sees_who_signed_which_version(app, owner, case, alex, jordan, counsellor):
    documents = publish_consent(owner, IN_PERSON)
    sign_documents(alex, documents.values())
    sign_documents(jordan, [documents[DocumentKind.PRIVACY]])
    save_draft(DocumentKind.PRIVACY, "Privacy notice", "Second version.", None, owner, now_utc())
    publish(DocumentKind.PRIVACY, owner, now_utc())
    db.session.commit()
    page = sign_in(app, counsellor).get(f"/cases/{case.id}").text
    assert "signed version 1, not the current version 2" in page
    assert "Sessions with both partners wait until Alex and Jordan sign" in page
    detail = sign_in(app, counsellor).get(f"/cases/{case.id}/consent").text
    assert "(an older version)" in detail
    assert "(current)" in detail
    assert "Jordan has not signed: Consent to counselling" in detail


def test_missing_for_a_video_session_includes_the_video_consent(app, owner, case, alex):
    documents = publish_consent(owner)
    sign_documents(alex, [documents[k] for k in IN_PERSON])
    assert missing_for(case, alex) == []
    assert [d.kind for d in missing_for(case, alex, VIDEO)] == [DocumentKind.VIDEO]


# --- Joint sessions wait for consent -------------------------------------------------


def test_no_documents_published_holds_nothing_up(app, case, counsellor):
    assert book(sign_in(app, counsellor), case, "free").status_code == 302


def test_a_joint_session_waits_until_both_have_signed(app, owner, case, alex, jordan, counsellor):
    documents = publish_consent(owner)
    as_counsellor = sign_in(app, counsellor)
    form = as_counsellor.get(f"/cases/{case.id}/sessions/new").text
    assert "Consent not complete." in form
    assert "Alex has not signed: Consent to counselling" in form
    response = book(as_counsellor, case, "joint", handout_summary="")
    assert response.status_code == 400
    assert "Both partners must sign the practice" in response.text
    assert 'name="consent_reason"' in response.text
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Session)) == 0
    # A session with one partner is not held up.
    assert book(as_counsellor, case, "alone", with_whom="a").status_code == 302
    # Both sign what sessions in person need (not the video consent): booked, no reason asked.
    sign_documents(alex, [documents[k] for k in IN_PERSON])
    assert book(as_counsellor, case, "half", time="11:00").status_code == 400
    sign_documents(jordan, [documents[k] for k in IN_PERSON])
    assert book(as_counsellor, case, "both", time="12:00").status_code == 302
    assert "consent.override" not in actions()


def test_the_counsellor_may_go_ahead_with_a_recorded_reason(app, owner, case, counsellor):
    publish_consent(owner)
    as_counsellor = sign_in(app, counsellor)
    response = book(as_counsellor, case, "reason", consent_reason="Signed on paper today.")
    assert response.status_code == 302
    session = db.session.scalar(sa.select(Session))
    assert session.consent_reason == "Signed on paper today."
    [raw] = db.session.scalars(sa.text("SELECT consent_reason FROM sessions")).all()
    assert "paper" not in raw  # encrypted, like the note
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "consent.override"))
    assert event.object_id == session.id
    assert event.detail["missing"] == ["confidentiality", "counselling", "privacy"]
    page = as_counsellor.get(f"/cases/{case.id}/consent").text
    assert "Signed on paper today." in page
    # A repeating booking gives its reason to every session of it.
    response = book(
        as_counsellor, case, "series", time="15:00", repeat="1", count="3", consent_reason="Paper"
    )
    assert response.status_code == 302
    assert (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Session)
            .where(Session.consent_reason.is_not(None))
        )
        == 4
    )


def test_the_calendar_books_under_the_same_rule(app, owner, case, counsellor):
    publish_consent(owner)
    as_counsellor = sign_in(app, counsellor)
    day = (practice_today() + timedelta(days=2)).isoformat()
    data = {
        "form_token": "c" * 32,
        "case": str(case.id),
        "day": day,
        "time": "09:00",
        "duration": "50",
        "with_whom": "all",
        "repeat": "0",
    }
    response = as_counsellor.post(f"/calendar/new?case={case.id}", data=data)
    assert response.status_code == 400
    assert "Both partners must sign" in response.text
    response = as_counsellor.post(
        f"/calendar/new?case={case.id}", data={**data, "consent_reason": "Seen before"}
    )
    assert response.status_code == 302


def test_moving_a_joint_session_is_not_held_up_but_making_one_joint_is(
    app, owner, case, counsellor
):
    joint = add_session(case, 3, status=SessionStatus.SCHEDULED)
    alone = add_session(case, 4, status=SessionStatus.SCHEDULED)
    alone.invitees = ["a"]
    db.session.commit()
    publish_consent(owner)
    as_counsellor = sign_in(app, counsellor)
    day = (practice_today() + timedelta(days=5)).isoformat()
    moved = {
        "day": day,
        "time": "14:00",
        "duration": "50",
        "status": "scheduled",
        "with_whom": "all",
        "handout_summary": "",
    }
    response = as_counsellor.post(f"/cases/{case.id}/sessions/{joint.id}/edit", data=moved)
    assert response.status_code == 302, response.text[:2000]
    response = as_counsellor.post(
        f"/cases/{case.id}/sessions/{alone.id}/edit", data={**moved, "time": "16:00"}
    )
    assert response.status_code == 400
    assert "Both partners must sign" in response.text


def test_the_portal_home_asks_each_partner_for_their_own_forms(app, owner, alex, jordan):
    documents = publish_consent(owner)
    home = sign_in(app, alex.user).get("/portal/").text
    assert "To read and sign: Consent to counselling" in home
    assert "Consent to sessions by video" not in home  # asked for video sessions only
    assert "A few questions about you" in home
    sign_documents(alex, [documents[k] for k in IN_PERSON])
    home = sign_in(app, alex.user).get("/portal/").text
    assert "To read and sign" not in home
    assert (
        "To read and sign: Consent to counselling" in sign_in(app, jordan.user).get("/portal/").text
    )


def test_a_partner_with_a_video_session_is_asked_for_the_video_consent(
    app, owner, case, alex, jordan
):
    documents = publish_consent(owner)
    for partner in (alex, jordan):
        sign_documents(partner, [documents[k] for k in IN_PERSON])
    by_video = add_session(case, 3, 18, status=SessionStatus.SCHEDULED)
    by_video.mode = SessionMode.VIDEO
    by_video.invitees = ["a"]  # Alex's own session: Jordan has no session by video
    db.session.commit()
    when = format_datetime(by_video.starts_at)

    home = sign_in(app, alex.user).get("/portal/").text
    assert f"To read and sign before your video session on {when}" in home
    assert "Consent to sessions by video" in home
    agreements = sign_in(app, alex.user).get("/portal/consent").text
    assert f"Needed before your video session on {when}." in agreements

    # Alex's session says nothing to Jordan, who is asked for nothing.
    assert "To read and sign" not in sign_in(app, jordan.user).get("/portal/").text
    agreements = sign_in(app, jordan.user).get("/portal/consent").text
    assert "Needed only if you have sessions by video." in agreements
    assert when not in agreements

    sign_documents(alex, [documents[DocumentKind.VIDEO]])
    assert "To read and sign" not in sign_in(app, alex.user).get("/portal/").text
