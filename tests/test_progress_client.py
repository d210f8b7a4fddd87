"""Each partner's own copy of the progress report, their consent, and sharing it with care.

A copy is read as its partner would read it: the text of the PDF (pypdf), for what
must be in it and what must never be.
"""

import re

import pytest
import sqlalchemy as sa

from practice.audit.models import AuditEvent
from practice.extensions import db
from practice.progress.models import ChangeMarker, Marker, Review
from practice.sessions.models import SessionStatus
from tests.factories import (
    CLINICAL_NOTE,
    add_reported_session,
    check_in_days_ago,
    pdf_text,
    sign_in,
)

ALEX_LOW = (1, 2, 2, 2)  # 7, below 13.5
JORDAN_HIGH = (6, 5, 4, 4)  # 19
REVIEW_TEXT = "Review words for the counsellor alone"
SCREENING_NOTE = "Screening words for the counsellor alone"


@pytest.fixture
def couple(counsellor, make_case, make_assignment):
    """The Morgans: two joint sessions and a check-in each, their homework, Alex's solo one."""
    case = make_case(counsellor)
    make_assignment(case, "i-statement-rewrites", "each")
    add_reported_session(case, days_ago=14, step=2)
    add_reported_session(case, days_ago=7, step=6)
    alex, jordan = case.partners
    check_in_days_ago(case, alex, ALEX_LOW, days_ago=8)
    check_in_days_ago(case, jordan, JORDAN_HIGH, days_ago=8)
    return case


def copy_text(browser, url="/portal/progress.pdf") -> str:
    response = browser.get(url)
    assert response.status_code == 200, url
    assert response.mimetype == "application/pdf"
    return pdf_text(response.data)


def preview(app, case, position: str) -> str:
    url = f"/cases/{case.id}/progress/client/{position}.pdf"
    return copy_text(sign_in(app, case.counsellor), url)


def shares(browser, agree: bool):
    response = browser.post("/portal/sharing/scores", data={"share": "y"} if agree else {})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/portal/documents#sharing")


def test_a_copy_has_its_readers_scores_and_the_partners_only_while_they_agree(app, couple):
    alex, jordan = couple.partners
    jordan_portal = sign_in(app, jordan.user)
    text = preview(app, couple, "a")
    assert "For Alex Morgan" in text
    assert re.search(r"You 7\*", text)  # Alex's own total, marked below 13.5
    assert "below 13.5 often means the relationship is under strain" in text
    assert not re.search(r"Jordan 19", text)
    assert "Jordan’s scores are not in your copy" in text

    shares(jordan_portal, True)
    text = preview(app, couple, "a")
    assert re.search(r"Jordan 19\b", text)
    assert "Jordan has agreed to show you their scores" in text
    # Consent runs one way: Jordan's own copy still has nothing of Alex's.
    assert not re.search(r"Alex 7", preview(app, couple, "b"))

    shares(jordan_portal, False)
    text = preview(app, couple, "a")
    assert not re.search(r"Jordan 19", text)
    assert "Jordan’s scores are not in your copy" in text
    events = db.session.scalars(
        sa.select(AuditEvent)
        .where(AuditEvent.action.in_(("scores.share", "scores.unshare")))
        .order_by(AuditEvent.id)
    ).all()
    assert [e.action for e in events] == ["scores.share", "scores.unshare"]
    assert all(e.detail == {} and e.object_id == jordan.id for e in events)  # nothing clinical


def test_a_copy_speaks_plainly_and_holds_nothing_of_the_counsellors(app, couple, counsellor):
    attended = add_reported_session(couple, days_ago=3, step=7)
    db.session.add_all(
        [
            ChangeMarker(case_id=couple.id, marker=marker, session_id=attended.id)
            for marker in (Marker.BLAMER_SOFTENING, Marker.WITHDRAWER_REENGAGEMENT)
        ]
    )
    db.session.add(
        Review(
            case_id=couple.id,
            reviewed_on=attended.starts_at.date(),
            summary=REVIEW_TEXT,
            reviewed_by_id=counsellor.id,
        )
    )
    couple.safety_concerns = True
    couple.screenings[0].note = SCREENING_NOTE
    db.session.commit()
    for position in "ab":
        text = preview(app, couple, position)
        assert "You have come to 3 sessions" in text
        assert "Where you are" in text
        for jargon in (r"\bstages?\b", r"\bsteps?\b", "EFT", "softening", "re-engagement"):
            assert not re.search(jargon, text, re.IGNORECASE), (position, jargon)
        for private in (CLINICAL_NOTE, REVIEW_TEXT, SCREENING_NOTE, "safety", "counsellor rates"):
            assert private not in text, (position, private)


def test_the_other_partners_own_doings_change_nothing_in_a_copy(
    app, couple, make_assignment, make_entry
):
    """Non-interference: an individual session, a check-in and solo homework of Alex's."""
    alex, jordan = couple.partners
    before = preview(app, couple, "b")
    assert "You have come to 2 sessions" in before

    alone = add_reported_session(couple, days_ago=2, step=8)
    alone.invitees, alone.attendees = ["a"], ["a"]
    check_in_days_ago(couple, alex, (0, 0, 0, 0), days_ago=1)
    solo = make_assignment(couple, "appreciation-noticing-log", "a", note="For Alex alone")
    make_entry(solo, alex, answer="Alex's private answer")
    db.session.commit()

    assert preview(app, couple, "b") == before
    mine = preview(app, couple, "a")
    assert "You have come to 3 sessions" in mine
    assert "(on your own)" in mine
    assert "Notice what usually goes unthanked" in mine


def test_sharing_is_a_confirmed_act_and_each_partner_gets_their_own_copy(app, couple):
    alex, jordan = couple.partners
    alex_portal, jordan_portal = sign_in(app, alex.user), sign_in(app, jordan.user)
    counsellor = sign_in(app, couple.counsellor)
    assert alex_portal.get("/portal/progress.pdf").status_code == 404

    page = counsellor.get(f"/cases/{couple.id}/progress/sharing")
    assert page.status_code == 200
    html = page.data.decode()
    for expected in (
        "Alex’s copy",
        "Jordan’s copy",
        f"/cases/{couple.id}/progress/client/a.pdf",
        f"/cases/{couple.id}/progress/client/b.pdf",
        "I have looked at each partner’s copy",
        "not included (Jordan has not agreed)",
    ):
        assert expected in html, expected

    refused = counsellor.post(f"/cases/{couple.id}/progress/sharing", data={})
    assert refused.status_code == 400
    html = refused.data.decode()
    assert 'id="confirmed-error"' in html
    assert "then tick this box" in html
    db.session.refresh(couple)
    assert couple.progress_shared is False
    assert jordan_portal.get("/portal/progress.pdf").status_code == 404

    shared = counsellor.post(f"/cases/{couple.id}/progress/sharing", data={"confirmed": "y"})
    assert shared.status_code == 302
    assert shared.headers["Location"].endswith(f"/cases/{couple.id}/progress")
    response = alex_portal.get("/portal/progress.pdf")
    assert "filename=progress-alex-morgan-" in response.headers["Content-Disposition"]
    assert "For Alex Morgan" in pdf_text(response.data)
    jordans = copy_text(jordan_portal)
    assert "For Jordan Morgan" in jordans
    assert "For Alex Morgan" not in jordans
    assert re.search(r"You 19\b", jordans)

    counsellor.post(f"/cases/{couple.id}/progress/sharing/stop")
    assert alex_portal.get("/portal/progress.pdf").status_code == 404
    actions = db.session.scalars(
        sa.select(AuditEvent.action)
        .where(AuditEvent.action.like("progress.%share"))
        .order_by(AuditEvent.id)
    ).all()
    assert actions == ["progress.share", "progress.unshare"]
    downloads = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "report.download")
    ).all()
    assert {(e.detail["reader"], e.detail["by"]) for e in downloads} == {
        ("a", "client"),
        ("b", "client"),
    }


def test_the_progress_page_offers_a_preview_of_each_copy(app, couple):
    counsellor = sign_in(app, couple.counsellor)
    page = counsellor.get(f"/cases/{couple.id}/progress").data.decode()
    assert "Preview Alex’s copy" in page
    assert "Preview Jordan’s copy" in page
    assert f'href="/cases/{couple.id}/progress/sharing"' in page
    assert counsellor.get(f"/cases/{couple.id}/progress/client/c.pdf").status_code == 404


def consent_box(page: str) -> str:
    return re.search(r'<input[^>]*id="share"[^>]*>', page).group(0)


def test_the_check_in_page_says_who_reads_the_answers(app, couple):
    jordan = couple.partners[1]
    portal = sign_in(app, jordan.user)
    page = portal.get("/portal/checkin").data.decode()
    assert "Your counsellor reads this; Alex does not." in page
    documents = portal.get("/portal/documents").data.decode()
    assert "Let Alex see my check-in scores in shared reports" in documents
    assert "checked" not in consent_box(documents)

    shares(portal, True)
    page = portal.get("/portal/checkin").data.decode()
    assert "Alex does not" not in page
    assert "You have let Alex see your scores" in page
    documents = portal.get("/portal/documents").data.decode()
    assert "checked" in consent_box(documents)


def test_a_partner_alone_in_their_work_has_no_one_to_share_with(app, counsellor, make_case):
    case = make_case(counsellor, ("Lee Park",))
    add_reported_session(case, days_ago=3)
    portal = sign_in(app, case.partners[0].user)
    assert "Let " not in portal.get("/portal/documents").data.decode()
    assert "Your counsellor reads this." in portal.get("/portal/checkin").data.decode()
    assert portal.post("/portal/sharing/scores", data={"share": "y"}).status_code == 404
    text = preview(app, case, "a")
    assert "You have come to 1 session " in text
    assert "scores are not in your copy" not in text


def test_a_scheduled_or_missed_session_is_not_counted(app, couple):
    add_reported_session(couple, days_ago=-3, status=SessionStatus.SCHEDULED, note=None)
    missed = add_reported_session(couple, days_ago=1, note=None)
    missed.attendees = ["a"]
    db.session.commit()
    assert "You have come to 2 sessions" in preview(app, couple, "b")
    assert "You have come to 3 sessions" in preview(app, couple, "a")
