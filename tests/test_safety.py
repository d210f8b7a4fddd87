"""Safety in couple work: each partner's private screen, and what concerns change.

The rules: a partner's answers are the counsellor's alone; a pause of joint work
takes homework done together out of both portals, refuses new work together and
asks a reason for a joint session, and looks the same to the partners whatever
its reason; it is lifted only with a reason; a concern recorded without a pause
changes nothing the partners see (tests/test_non_interference.py).
"""

import re
from datetime import timedelta
from io import BytesIO

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from practice.audit.models import AuditEvent
from practice.auth.models import hash_token
from practice.cases.models import Invitation
from practice.cases.pauses import JointWorkPause
from practice.database import now_utc
from practice.dates import practice_today
from practice.extensions import db
from practice.progress.models import CheckIn
from practice.screening.alerts import SafetyAlert
from practice.screening.items import ITEMS
from practice.screening.models import PartnerScreen
from practice.sessions.models import Session
from tests.factories import quiet, sign_in

ANSWERS = {f"q_{item.key.replace('-', '_')}": "no" for item in ITEMS}


def screen_data(**answers) -> dict:
    data = dict(ANSWERS, taken_on=practice_today().isoformat(), note="Asked alone.")
    return data | {f"q_{k}": v for k, v in answers.items()}


def test_a_partners_screen_is_for_the_counsellor_alone(app, counsellor, make_case):
    case = make_case(counsellor)
    browser = sign_in(app, counsellor)
    url = f"/cases/{case.id}/partners/a/screen"
    assert browser.get(url).status_code == 200
    response = browser.post(url, data=screen_data(fear="yes", monitoring="unsure"))
    assert response.status_code == 302
    screen = db.session.scalar(sa.select(PartnerScreen))
    assert screen.partner_id == case.partners[0].id
    assert [i.key for i in screen.flags] == ["fear", "monitoring"]
    raw = db.session.execute(sa.text("SELECT answers, note FROM partner_screens")).one()
    assert "yes" not in raw[0]
    assert "Asked alone" not in raw[1]
    page = browser.get(f"/cases/{case.id}/safety").get_data(as_text=True)
    assert "to follow up: fear of the partner, monitoring" in page
    shown = browser.get(f"/cases/{case.id}/screens/{screen.id}").get_data(as_text=True)
    assert "Fear of the partner" in shown
    assert "Asked alone." in shown
    events = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action.like("screen.%")))
    assert [(e.action, e.detail) for e in events] == [
        ("screen.record", {"by": "counsellor"}),
        ("screen.view", {}),
    ]
    # Neither partner reaches it.
    for partner in case.partners:
        client = sign_in(app, partner.user)
        assert client.get(f"/cases/{case.id}/screens/{screen.id}").status_code == 404


def test_an_unanswered_question_is_said_beside_it_and_nothing_typed_is_lost(
    app, counsellor, make_case
):
    case = make_case(counsellor)
    data = screen_data()
    del data["q_threats"]
    data["note"] = "Half way through when the phone rang."
    response = sign_in(app, counsellor).post(f"/cases/{case.id}/partners/b/screen", data=data)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Choose an answer" in page
    assert "Half way through when the phone rang." in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PartnerScreen)) == 0


def decide(browser, case, outcome, note="Weighed with each of them apart."):
    return browser.post(
        f"/cases/{case.id}/safety",
        data={"screened_on": practice_today().isoformat(), "outcome": outcome, "note": note},
    )


def test_concerns_need_a_reason(app, counsellor, make_case):
    case = make_case(counsellor, screening=None)
    response = decide(sign_in(app, counsellor), case, "concerns-plan", note="")
    assert response.status_code == 400
    assert "Say why" in response.get_data(as_text=True)


def test_a_pause_takes_work_together_out_of_both_portals_until_lifted_with_a_reason(
    app, counsellor, make_case, make_assignment
):
    case = make_case(counsellor)
    together = make_assignment(case, "connection-ten-minutes", "together")
    own = make_assignment(case, "i-statement-rewrites", "each")
    browser = sign_in(app, counsellor)
    assert decide(browser, case, "concerns-paused").status_code == 302
    db.session.refresh(case)
    assert case.joint_paused
    for partner in case.partners:
        client = sign_in(app, partner.user)
        home = client.get("/portal/").get_data(as_text=True)
        assert f"/portal/homework/{together.id}" not in home
        assert f"/portal/homework/{own.id}" in home
        assert "set aside, for now, the exercises that involve your partner" in home
        assert client.get(f"/portal/homework/{together.id}").status_code == 404
    # No new work together while it stands.
    response = browser.post(
        f"/cases/{case.id}/homework/new/connection-ten-minutes",
        data={"for_whom": "together", "cadence": "daily", "starts_on": practice_today()},
    )
    assert response.status_code == 400
    assert "Work together is paused" in response.get_data(as_text=True)
    # Lifting needs a reason; then the homework is back.
    assert browser.post(f"/cases/{case.id}/joint-work/lift", data={"note": ""}).status_code == 400
    response = browser.post(f"/cases/{case.id}/joint-work/lift", data={"note": "Safe to go on."})
    assert response.status_code == 302
    db.session.refresh(case)
    assert not case.joint_paused
    pause = db.session.scalar(sa.select(JointWorkPause))
    assert pause.lift_note == "Safe to go on."
    assert pause.lifted_at is not None
    home = sign_in(app, case.partners[1].user).get("/portal/").get_data(as_text=True)
    assert f"/portal/homework/{together.id}" in home


def test_a_pause_for_safety_looks_like_a_pause_for_a_holiday(
    app, counsellor, make_case, make_assignment
):
    """Each partner's portal, paused for safety in one case and for a break in the other,
    reads the same but for names and ids."""
    pages = []
    for how in ("safety", "break"):
        case = make_case(counsellor)
        make_assignment(case, "connection-ten-minutes", "together")
        make_assignment(case, "i-statement-rewrites", "each")
        browser = sign_in(app, counsellor)
        if how == "safety":
            assert decide(browser, case, "concerns-paused").status_code == 302
        else:
            response = browser.post(
                f"/cases/{case.id}/joint-work/pause", data={"reason": "break", "note": "Away."}
            )
            assert response.status_code == 302
        client = sign_in(app, case.partners[1].user)
        seen = [
            quiet(client.get(url).get_data(as_text=True))
            for url in ("/portal/", "/portal/documents")
        ]
        pages.append([re.sub(r"/\d+", "/N", page) for page in seen])
    assert pages[0] == pages[1]


def book_data(**change) -> dict:
    data = {
        "form_token": "j-" + "0" * 30,
        "day": (practice_today() + timedelta(days=3)).isoformat(),
        "time": "10:00",
        "duration": "50",
        "status": "scheduled",
        "with_whom": "all",
    }
    return data | change


def test_a_joint_session_while_work_together_is_held_needs_a_reason(app, counsellor, make_case):
    case = make_case(counsellor, screening="concerns-paused")
    browser = sign_in(app, counsellor)
    url = f"/cases/{case.id}/sessions/new"
    response = browser.post(url, data=book_data())
    assert response.status_code == 400
    assert "Say why you are seeing them together" in response.get_data(as_text=True)
    alone = browser.post(url, data=book_data(with_whom="a", form_token="i-" + "0" * 30))
    assert alone.status_code == 302, alone.get_data(as_text=True)
    response = browser.post(
        url, data=book_data(time="12:00", joint_reason="Both asked for it; safety plan reviewed.")
    )
    assert response.status_code == 302
    # (Found in Python: PostgreSQL has no "=" for JSON columns.)
    joint = next(s for s in db.session.scalars(sa.select(Session)) if s.invitees == [])
    assert joint.joint_reason == "Both asked for it; safety plan reviewed."
    # The calendar asks the same.
    response = browser.post(
        "/calendar/new",
        data={
            "form_token": "c-" + "0" * 30,
            "case": str(case.id),
            "day": (practice_today() + timedelta(days=5)).isoformat(),
            "time": "11:00",
            "duration": "50",
            "with_whom": "all",
            "repeat": "0",
        },
    )
    assert response.status_code == 400
    assert "Say why you are seeing them together" in response.get_data(as_text=True)


def test_notes_prompt_a_risk_review_while_concerns_stand(app, counsellor, make_case):
    case = make_case(counsellor, screening="concerns-plan")
    session = Session(
        case_id=case.id,
        counsellor_id=counsellor.id,
        starts_at=db.func.now(),
        ends_at=db.func.now(),
        attendees=["a", "b"],
    )
    db.session.add(session)
    db.session.commit()
    page = sign_in(app, counsellor).get(f"/cases/{case.id}/sessions/{session.id}/note")
    assert "Risk review." in page.get_data(as_text=True)


def check_in_of(partner, by):
    return CheckIn(
        case_id=partner.case_id,
        partner_id=partner.id,
        csi_happiness=3,
        csi_warm=3,
        csi_rewarding=3,
        csi_satisfied=3,
        csi_total=12,
        blocks={},
        entered_by_id=by.id,
    )


def invitation_of(partner, by):
    return Invitation(
        partner_id=partner.id,
        token_hash=hash_token("not-sent"),
        expires_at=now_utc() + timedelta(days=7),
        created_by_id=by.id,
    )


def alert_of(partner, by):
    return SafetyAlert(case_id=partner.case_id, partner_id=partner.id)


@pytest.mark.parametrize("record", [check_in_of, invitation_of, alert_of])
def test_a_partner_with_records_of_their_own_cannot_be_removed_from_the_case(
    app, counsellor, make_case, record
):
    case = make_case(counsellor, portal=False)
    db.session.add(record(case.partners[1], counsellor))
    db.session.commit()
    response = sign_in(app, counsellor).post(
        f"/cases/{case.id}/edit",
        data={
            "partner_a_name": case.partners[0].name,
            "partner_b_name": "",
            "start_date": case.start_date.isoformat(),
            "status": "active",
        },
    )
    assert response.status_code == 400
    assert "cannot be removed" in response.get_data(as_text=True)
    db.session.expire_all()
    assert len(db.session.get(type(case), case.id).partners) == 2


def test_a_partner_with_nothing_of_their_own_can_be_removed(app, counsellor, make_case):
    case = make_case(counsellor, portal=False)
    response = sign_in(app, counsellor).post(
        f"/cases/{case.id}/edit",
        data={
            "partner_a_name": case.partners[0].name,
            "partner_b_name": "",
            "start_date": case.start_date.isoformat(),
            "status": "active",
        },
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert len(db.session.get(type(case), case.id).partners) == 1


def test_the_progress_view_shows_the_work_paused(app, counsellor, make_case):
    case = make_case(counsellor, screening="concerns-paused")
    page = sign_in(app, counsellor).get(f"/cases/{case.id}/progress").get_data(as_text=True)
    assert "the timeline waits until you lift the pause" in page
    assert page.count(">paused</span>") == 2


def test_the_progress_report_pdf_shows_the_work_paused(app, counsellor, make_case):
    case = make_case(counsellor, screening="concerns-paused")
    pdf = sign_in(app, counsellor).get(f"/cases/{case.id}/progress.pdf").data
    text = " ".join(PdfReader(BytesIO(pdf)).pages[0].extract_text().split())
    assert "Work together is paused" in text
    assert ": paused, week" in text
    assert ": now, week" not in text


def test_sharing_reports_with_the_couple_is_held_while_work_together_is_paused(
    app, counsellor, make_case
):
    case = make_case(counsellor, screening="concerns-paused")
    browser = sign_in(app, counsellor)
    response = browser.post(f"/cases/{case.id}/progress/sharing", data={"confirmed": "y"})
    assert response.status_code == 400
    assert "Sharing with the couple is held" in response.get_data(as_text=True)
    db.session.refresh(case)
    assert not case.progress_shared
    # A report shared before the pause is out of the partners' reach while it stands.
    case.progress_shared = True
    db.session.commit()
    client = sign_in(app, case.partners[0].user)
    assert client.get("/portal/progress.pdf").status_code == 404


def test_sharing_unconfirmed_while_paused_is_refused_with_both_reasons(app, counsellor, make_case):
    case = make_case(counsellor, screening="concerns-paused")
    response = sign_in(app, counsellor).post(f"/cases/{case.id}/progress/sharing", data={})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Sharing with the couple is held" in page
    assert "then tick this box" in page
    db.session.refresh(case)
    assert not case.progress_shared
