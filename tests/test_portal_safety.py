"""The portal's safety features: a partner's own private screen, "I don't feel safe",
and the quick exit.

What a partner sends goes to their counsellor alone: not to the other partner,
not to another counsellor or couple, not back into the portal, and not into the
audit trail as a value. The counsellor's email says only that a client asked to
be contacted, and a second alert while one waits sends none. The quick exit ends
the login on the server and lands on a page that names nothing.
"""

import re

import pytest
import sqlalchemy as sa

from practice.audit.models import AuditEvent
from practice.auth.models import LoginSession, Role
from practice.extensions import db
from practice.mail.models import OutboundEmail
from practice.screening.alerts import SafetyAlert
from practice.screening.holds import ALERTED, joint_work_held
from practice.screening.items import ITEMS
from practice.screening.models import PartnerScreen, TakenBy
from tests.conftest import PASSWORD, csrf_login, form_token

SCREEN_NOTE = "MARKER-MY-OWN-SCREEN-NOTE"
ALERT_WORDS = "MARKER-CALL-ME-AFTER-NINE"
PORTAL_PAGES = (
    "/portal/",
    "/portal/entries",
    "/portal/shared",
    "/portal/documents",
    "/portal/resources",
    "/portal/checkin",
    "/portal/appointments/",
    "/portal/questions",
    "/portal/contact",
)


@pytest.fixture(autouse=True)
def _many_logins(app):
    app.config["LOGIN_LIMIT_PER_ADDRESS"] = "1000 per minute"
    app.config["LOGIN_LIMIT_PER_ACCOUNT"] = "1000 per minute"


def sign_in(app, user):
    browser = app.test_client()
    response = browser.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return browser


def answers(**given) -> dict:
    data = {f"q_{item.key.replace('-', '_')}": "no" for item in ITEMS}
    return data | {f"q_{k}": v for k, v in given.items()}


def checked(page: str) -> set[tuple[str, str]]:
    """The radio buttons a page shows ticked, as (name, value)."""
    ticked = set()
    for tag in re.findall(r"<input [^>]*>", page):
        if "checked" in tag and 'type="radio"' in tag:
            ticked.add(
                (re.search(r'name="([^"]+)"', tag)[1], re.search(r'value="([^"]*)"', tag)[1])
            )
    return ticked


def alerts() -> list[SafetyAlert]:
    return list(db.session.scalars(sa.select(SafetyAlert).order_by(SafetyAlert.id)))


def emails() -> list[OutboundEmail]:
    return list(db.session.scalars(sa.select(OutboundEmail).order_by(OutboundEmail.id)))


# --- A partner's own screen -------------------------------------------------------


def test_a_partners_own_screen_reaches_their_counsellor_alone(
    app, counsellor, make_case, make_user
):
    case = make_case(counsellor, ("Maria Santos", "Tom Becker"))
    other_case = make_case(make_user(Role.COUNSELLOR), ("Sam Other", "Robin Other"))
    maria, tom = case.partners
    as_maria = sign_in(app, maria.user)
    page = as_maria.get("/portal/questions").get_data(as_text=True)
    assert "Only your counsellor reads your answers" in page
    response = as_maria.post(
        "/portal/questions",
        data=answers(fear="yes", monitoring="unsure", money="yes") | {"note": SCREEN_NOTE},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/portal/resources"
    [screen] = db.session.scalars(sa.select(PartnerScreen)).all()
    assert (screen.partner_id, screen.taken_by) == (maria.id, TakenBy.CLIENT)
    assert screen.entered_by_id == maria.user_id
    assert [i.key for i in screen.flags] == ["fear", "monitoring", "money"]
    raw = db.session.execute(sa.text("SELECT answers, note FROM partner_screens")).one()
    assert "yes" not in raw[0]
    assert SCREEN_NOTE not in raw[1]

    # The counsellor sees it, saying who took it and where.
    as_counsellor = sign_in(app, counsellor)
    safety = as_counsellor.get(f"/cases/{case.id}/safety").get_data(as_text=True)
    assert "taken by Maria in the portal" in safety
    assert "to follow up: fear of the partner, monitoring, control of money" in safety
    shown = as_counsellor.get(f"/cases/{case.id}/screens/{screen.id}").get_data(as_text=True)
    assert "answered by Maria alone in the portal" in shown
    assert SCREEN_NOTE in shown

    # Nobody else reaches it: not Tom, not Maria again, not another counsellor or couple.
    url = f"/cases/{case.id}/screens/{screen.id}"
    for user in (tom.user, maria.user, other_case.partners[0].user, other_case.counsellor):
        browser = sign_in(app, user)
        assert browser.get(url).status_code == 404
        assert browser.get(f"/cases/{case.id}/safety").status_code == 404
    for user in (tom.user, maria.user):
        browser = sign_in(app, user)
        for portal_page in PORTAL_PAGES:
            text = browser.get(portal_page).get_data(as_text=True)
            assert SCREEN_NOTE not in text, portal_page
        # The questions come back blank: earlier answers are never shown again.
        assert checked(browser.get("/portal/questions").get_data(as_text=True)) == set()

    # On the trail: that it was recorded and read, never what it says.
    events = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action.like("screen.%")).order_by(AuditEvent.id)
    ).all()
    assert [(e.action, e.detail, e.actor_id) for e in events] == [
        ("screen.record", {"by": "client"}, maria.user_id),
        ("screen.view", {}, counsellor.id),
    ]
    trail = db.session.execute(sa.text("SELECT detail FROM audit_events")).all()
    assert not any(word in str(trail) for word in ("yes", "unsure", SCREEN_NOTE))


def test_a_screen_sent_twice_is_one_screen(app, counsellor, make_case):
    case = make_case(counsellor)
    browser = sign_in(app, case.partners[0].user)
    data = answers() | {"form_token": "f" * 32, "note": ""}
    assert browser.post("/portal/questions", data=data).status_code == 302
    assert browser.post("/portal/questions", data=data).status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PartnerScreen)) == 1


def test_an_unanswered_question_is_said_and_nothing_typed_is_lost(app, counsellor, make_case):
    case = make_case(counsellor)
    data = answers() | {"note": "Half written when the door opened."}
    del data["q_threats"]
    response = sign_in(app, case.partners[1].user).post("/portal/questions", data=data)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Choose an answer" in page
    assert "Half written when the door opened." in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PartnerScreen)) == 0
    too_long = answers() | {"note": "x" * 10_001}
    response = sign_in(app, case.partners[1].user).post("/portal/questions", data=too_long)
    assert response.status_code == 400
    assert "Keep it under 10,000 characters." in response.get_data(as_text=True)


def test_a_half_answered_screen_comes_back_after_the_login_times_out(
    csrf_client, counsellor, make_case, go_idle
):
    case = make_case(counsellor)
    maria = case.partners[0]
    csrf_login(csrf_client, maria.user)
    token = form_token(csrf_client, "/portal/questions")
    go_idle()
    response = csrf_client.post(
        "/portal/questions",
        data={"csrf_token": token, "q_fear": "yes", "note": "Started, then the login ended."},
    )
    assert response.headers["Location"] == "/login?next=/portal/questions"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PartnerScreen)) == 0
    csrf_login(csrf_client, maria.user)
    page = csrf_client.get("/portal/questions").get_data(as_text=True)
    assert "This is what you had typed before your login ended." in page
    assert "Started, then the login ended." in page
    assert checked(page) == {("q_fear", "yes")}


# --- "I don't feel safe" ------------------------------------------------------------


def test_i_dont_feel_safe_tells_the_counsellor_and_nobody_else(
    app, counsellor, make_case, make_user
):
    case = make_case(counsellor, ("Maria Santos", "Tom Becker"))
    other = make_user(Role.COUNSELLOR)
    make_case(other, ("Sam Other", "Robin Other"))
    maria, tom = case.partners
    as_maria = sign_in(app, maria.user)
    assert as_maria.get("/portal/contact").status_code == 200
    response = as_maria.post("/portal/contact", data={"message": ALERT_WORDS})
    assert response.status_code == 302
    assert response.headers["Location"] == "/portal/resources"
    [alert] = alerts()
    assert (alert.case_id, alert.partner_id, alert.message) == (case.id, maria.id, ALERT_WORDS)
    raw = db.session.execute(sa.text("SELECT message FROM safety_alerts")).scalar()
    assert ALERT_WORDS not in raw  # encrypted at rest
    assert joint_work_held(db.session.get(type(case), case.id)) == ALERTED

    # One email to the counsellor, saying nothing clinical.
    [email] = emails()
    assert (email.to, email.kind, email.case_id) == (counsellor.email, "contact-request", None)
    assert "A client of yours has asked you to contact them" in email.body
    for secret in ("Maria", "Santos", "Tom", "Becker", case.label, ALERT_WORDS, "safe"):
        assert secret not in email.body + email.subject, secret

    # At the top of the counsellor's dashboard, and on the case page with the words.
    as_counsellor = sign_in(app, counsellor)
    dashboard = as_counsellor.get("/dashboard").get_data(as_text=True)
    assert "Maria Santos" in dashboard
    top = dashboard.index("told you privately that they do not feel safe")
    assert top < dashboard.index("open case")
    page = as_counsellor.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "Maria told you privately that they do not feel safe" in page
    assert ALERT_WORDS in page
    assert "do not feel safe" not in sign_in(app, other).get("/dashboard").get_data(as_text=True)

    # The trail names the alert, never its words.
    [event] = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "alert.create"))
    assert (event.detail, event.actor_id, event.case_id) == (
        {"by": "client"},
        maria.user_id,
        case.id,
    )
    assert ALERT_WORDS not in str(
        db.session.execute(sa.text("SELECT detail FROM audit_events")).all()
    )

    # Neither partner's portal says anything of it.
    for user in (tom.user, maria.user):
        browser = sign_in(app, user)
        for portal_page in PORTAL_PAGES:
            text = browser.get(portal_page).get_data(as_text=True)
            assert ALERT_WORDS not in text
            assert "Your counsellor has been told" not in text


def test_a_second_alert_while_one_waits_sends_no_second_email(app, counsellor, make_case):
    case = make_case(counsellor)
    maria, tom = case.partners
    as_maria = sign_in(app, maria.user)
    assert as_maria.post("/portal/contact", data={"message": ""}).status_code == 302
    assert as_maria.post("/portal/contact", data={"message": "Again."}).status_code == 302
    assert sign_in(app, tom.user).post("/portal/contact", data={}).status_code == 302
    # The same form sent twice (a double click) is one alert.
    token = {"form_token": "d" * 32, "message": "Twice?"}
    assert as_maria.post("/portal/contact", data=token).status_code == 302
    assert as_maria.post("/portal/contact", data=token).status_code == 302
    assert len(alerts()) == 4
    assert len(emails()) == 1
    assert alerts()[0].message is None  # nothing typed: nothing kept

    # Dealt with: all of them at once; a later one emails again.
    as_counsellor = sign_in(app, counsellor)
    page = as_counsellor.get(f"/cases/{case.id}/alerts/seen").get_data(as_text=True)
    assert "Again." in page
    assert "Twice?" in page
    assert as_counsellor.post(f"/cases/{case.id}/alerts/seen", data={"note": ""}).status_code == 400
    response = as_counsellor.post(f"/cases/{case.id}/alerts/seen", data={"note": "Called her."})
    assert response.status_code == 302
    assert all(a.resolved_at is not None for a in alerts())
    assert "do not feel safe" not in as_counsellor.get("/dashboard").get_data(as_text=True)
    assert as_maria.post("/portal/contact", data={"message": "Worse."}).status_code == 302
    assert len(emails()) == 2


def test_words_too_long_are_refused_beside_the_field_and_kept(app, counsellor, make_case):
    case = make_case(counsellor)
    words = "Please call my sister first. " * 80
    response = sign_in(app, case.partners[0].user).post("/portal/contact", data={"message": words})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Keep it under 2,000 characters." in page
    assert "Please call my sister first." in page
    assert alerts() == []
    assert emails() == []


def test_staff_do_not_use_the_portals_safety_pages(app, counsellor, make_case):
    make_case(counsellor)
    browser = sign_in(app, counsellor)
    for url in ("/portal/questions", "/portal/contact"):
        assert browser.get(url).status_code == 403
        assert browser.post(url, data={}).status_code == 403
    assert alerts() == []


# --- Every portal page: the same links, a quick exit, nothing cached ---------------


def test_every_portal_page_has_the_quick_exit_and_the_private_link_and_is_not_cached(
    app, counsellor, make_case
):
    case = make_case(counsellor, screening="concerns-paused")
    quiet = make_case(counsellor, ("Ana Quiet", "Ben Quiet"))
    for partner in (*case.partners, *quiet.partners):
        browser = sign_in(app, partner.user)
        for url in PORTAL_PAGES:
            response = browser.get(url)
            assert response.status_code == 200, url
            assert response.headers["Cache-Control"] == "no-store", url
            page = response.get_data(as_text=True)
            assert 'action="/leave" data-quick-exit data-leave="/leave"' in page, url
            assert "js/quick-exit.js" in page
            assert 'href="/portal/contact"' in page, url
    resources = sign_in(app, quiet.partners[1].user).get("/portal/resources")
    assert 'href="/portal/questions"' in resources.get_data(as_text=True)
    staff_page = sign_in(app, counsellor).get("/dashboard").get_data(as_text=True)
    assert "data-quick-exit" not in staff_page


def test_the_quick_exit_ends_the_login_and_lands_on_a_page_that_names_nothing(
    app, counsellor, make_case
):
    case = make_case(counsellor)
    browser = sign_in(app, case.partners[0].user)
    assert browser.get("/portal/").status_code == 200
    response = browser.post("/leave")
    assert response.status_code == 303
    assert response.headers["Location"] == "/leave"
    assert browser.get("/portal/").headers["Location"].startswith("/login")
    assert db.session.scalar(sa.select(LoginSession.ended_at)) is not None
    [event] = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "logout"))
    assert event.detail == {}  # a logout like any other
    neutral = browser.get("/leave")
    assert neutral.status_code == 200
    assert neutral.headers["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in neutral.headers
    text = neutral.get_data(as_text=True)
    for word in ("Mend", "Practice", "portal", "counsel", "<script", "stylesheet"):
        assert word not in text
    # Without a login it is the same page, and the exit still lands there.
    assert app.test_client().post("/leave").headers["Location"] == "/leave"


def test_the_quick_exit_checks_its_token_but_never_leaves_a_login_open(
    csrf_client, counsellor, make_case
):
    case = make_case(counsellor)
    maria = case.partners[0]

    def logged_in() -> bool:
        return csrf_client.get("/portal/").status_code == 200

    # With the page's token.
    csrf_login(csrf_client, maria.user)
    token = form_token(csrf_client, "/portal/checkin")
    assert csrf_client.post("/leave", data={"csrf_token": token}).status_code == 303
    assert not logged_in()
    # A token gone stale (the login renewed in another tab), from our own page: still ends it.
    csrf_login(csrf_client, maria.user)
    response = csrf_client.post(
        "/leave", data={"csrf_token": token}, headers={"Origin": "http://localhost"}
    )
    assert response.headers["Location"] == "/leave"
    assert not logged_in()
    # From another site, without the token: lands on the page, ends nothing, sets no cookie.
    csrf_login(csrf_client, maria.user)
    response = csrf_client.post(
        "/leave",
        data={},
        headers={"Origin": "https://elsewhere.example", "Sec-Fetch-Site": "cross-site"},
    )
    assert response.headers["Location"] == "/leave"
    assert "Set-Cookie" not in response.headers
    assert logged_in()
