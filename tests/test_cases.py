"""Cases, safety screenings and portal invitations, as a counsellor and a partner use them."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from practice.audit.models import AuditEvent
from practice.auth.models import Role, User
from practice.cases.models import Case, CaseStatus, Invitation, Partner, SafetyScreening
from practice.database import now_utc
from practice.dates import practice_today
from practice.extensions import db
from practice.mail.models import OutboundEmail
from tests.factories import count, invite, new_case_data


@pytest.fixture
def as_counsellor(auth, counsellor):
    auth.login(counsellor)
    return counsellor


def test_open_a_case_for_a_couple(client, as_counsellor):
    response = client.post("/cases/new", data=new_case_data())
    assert response.status_code == 302
    case = db.session.scalar(sa.select(Case))
    assert case.label == "Alex Morgan & Jordan Morgan"
    assert [p.name for p in case.partners] == ["Alex Morgan", "Jordan Morgan"]
    assert case.concerns == ["loss-of-connection", "poor-communication"]
    assert case.counsellor_id == as_counsellor.id
    page = client.get(response.headers["Location"]).data.decode()
    assert "no safety screening yet" in page
    assert "Invite to the portal" in page


def test_open_a_case_for_one_person(client, as_counsellor):
    data = new_case_data(partner_b_name="", partner_b_email="", label="Lee (individual)")
    assert client.post("/cases/new", data=data).status_code == 302
    case = db.session.scalar(sa.select(Case))
    assert case.label == "Lee (individual)"
    assert len(case.partners) == 1


def test_double_submission_opens_one_case(client, as_counsellor):
    first = client.post("/cases/new", data=new_case_data())
    second = client.post("/cases/new", data=new_case_data())
    assert first.headers["Location"] == second.headers["Location"]
    assert count(Case) == 1


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"partner_a_name": ""}, "Enter at least one partner&#39;s name."),
        ({"partner_a_email": "not-an-email"}, "That does not look like an email address."),
        ({"partner_b_email": "alex@example.org"}, "Each partner needs their own email address."),
        ({"partner_b_name": ""}, "Add partner B&#39;s name, or leave the email empty."),
        ({"start_date": ""}, "Enter the date treatment started"),
        ({"start_date": "2001-01-01"}, "more than ten years away"),
        ({"start_date": "31/02/2026"}, "Not a valid date value."),
        ({"status": "finished"}, "Not a valid choice"),
        ({"concerns": ["boredom"]}, "is not a valid choice"),
        ({"goals": "x" * 5001}, "Field cannot be longer than 5000 characters."),
    ],
)
def test_bad_case_input_is_400_and_keeps_what_was_typed(client, as_counsellor, change, message):
    response = client.post("/cases/new", data=new_case_data(**change))
    page = response.data.decode()
    assert response.status_code == 400
    assert message in page
    if "goals" not in change:
        assert "Argue less; feel like a team." in page
    assert count(Case) == 0


def test_markup_and_unicode_are_kept_and_escaped(client, as_counsellor):
    data = new_case_data(partner_a_name="<b>Zoë</b> 🙂", goals="<script>alert(1)</script> عربى")
    location = client.post("/cases/new", data=data).headers["Location"]
    page = client.get(location).data.decode()
    assert "&lt;b&gt;Zoë&lt;/b&gt; 🙂" in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; عربى" in page
    assert "<script>alert(1)" not in page


def test_caseload_search_status_and_pagination(client, as_counsellor, make_case):
    for n in range(30):
        make_case(as_counsellor, (f"Client {n:02d}", f"Partner {n:02d}"), portal=False)
    make_case(as_counsellor, ("Zed Quinn", "Ada Quinn"), portal=False, status=CaseStatus.CLOSED)
    first = client.get("/cases/").data.decode()
    assert "30 cases" in first  # the closed one is not "open"
    assert "Client 00" in first
    assert "Client 29" not in first
    assert "Client 29" in client.get("/cases/?page=2").data.decode()
    assert "Zed Quinn" in client.get("/cases/?q=quinn&status=").data.decode()
    assert "Zed Quinn" not in client.get("/cases/?q=quinn").data.decode()
    for odd in ["%", "_", "'", '"; DROP TABLE cases; --', "x" * 199]:
        assert client.get("/cases/", query_string={"q": odd}).status_code == 200
    assert client.get("/cases/", query_string={"q": "x" * 201}).status_code == 400


def test_caseload_runs_the_same_queries_for_5_or_50_cases(
    client, as_counsellor, make_case, count_queries
):
    for n in range(5):
        make_case(as_counsellor, (f"A{n}", f"B{n}"), portal=False)
    with count_queries() as few:
        client.get("/cases/")
    for n in range(45):
        make_case(as_counsellor, (f"C{n}", f"D{n}"), portal=False)
    with count_queries() as many:
        client.get("/cases/")
    assert len(few) == len(many) <= 10


def test_edit_case_and_close_it(client, as_counsellor, make_case):
    case = make_case(as_counsellor, portal=False)
    data = new_case_data(status="closed", partner_a_name="Alex M.", form_token="")
    assert client.post(f"/cases/{case.id}/edit", data=data).status_code == 302
    db.session.refresh(case)
    assert case.status is CaseStatus.CLOSED
    assert case.closed_at is not None
    assert case.partner("a").name == "Alex M."


def test_a_partner_with_a_portal_login_cannot_be_removed(client, as_counsellor, make_case):
    case = make_case(as_counsellor)
    data = new_case_data(partner_b_name="", partner_b_email="", form_token="")
    response = client.post(f"/cases/{case.id}/edit", data=data)
    assert response.status_code == 400
    assert "cannot be removed" in response.data.decode()
    db.session.refresh(case)
    assert len(case.partners) == 2


def test_safety_screening_with_concerns_flags_the_case(client, as_counsellor, make_case):
    case = make_case(as_counsellor, screening=None)
    response = client.post(
        f"/cases/{case.id}/safety",
        data={
            "screened_on": practice_today().isoformat(),
            "outcome": "concerns-paused",
            "note": "Partner B afraid at home.",
        },
    )
    assert response.status_code == 302
    db.session.refresh(case)
    assert case.safety_concerns
    page = client.get(f"/cases/{case.id}").data.decode()
    assert "Safety concerns recorded" in page
    assert "Partner B afraid at home." in client.get(f"/cases/{case.id}/safety").data.decode()
    raw = db.session.execute(sa.text("SELECT note FROM safety_screenings")).scalar()
    assert "afraid" not in raw  # the note is encrypted at rest


def test_the_latest_screening_by_date_decides(client, as_counsellor, make_case):
    case = make_case(as_counsellor, screening="concerns")
    earlier = (practice_today() - timedelta(days=30)).isoformat()
    client.post(f"/cases/{case.id}/safety", data={"screened_on": earlier, "outcome": "no-concerns"})
    db.session.refresh(case)
    assert case.safety_concerns  # an older all-clear does not lift today's concerns
    assert count(SafetyScreening) == 2


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"screened_on": "", "outcome": "concerns"}, "Enter the date of the screening."),
        ({"screened_on": "2199-01-01", "outcome": "concerns"}, "cannot be dated in the future"),
        ({"screened_on": "2999-01-01", "outcome": "concerns"}, "between 1900 and 2200"),
        ({"screened_on": "2026-01-01", "outcome": ""}, "Choose the outcome."),
        ({"screened_on": "2026-01-01", "outcome": "maybe"}, "Not a valid choice"),
    ],
)
def test_bad_screening_is_400(client, as_counsellor, make_case, data, message):
    case = make_case(as_counsellor, screening=None)
    response = client.post(f"/cases/{case.id}/safety", data={**data, "note": "kept text"})
    assert response.status_code == 400
    assert message in response.data.decode()
    assert "kept text" in response.data.decode()
    assert count(SafetyScreening) == 0


def test_invitation_without_smtp_shows_the_link_and_keeps_no_copy(client, as_counsellor, make_case):
    case = make_case(as_counsellor, portal=False)
    link = invite(client, case)
    assert link.startswith("/invite/")
    message = db.session.scalar(sa.select(OutboundEmail))
    assert message.sent_at is None
    assert link not in message.body
    assert "[one-time link, not kept]" in message.body


def test_invitation_is_emailed_when_smtp_is_set_up(
    client, app, as_counsellor, make_case, monkeypatch
):
    sent = []

    class FakeSMTP:
        def __init__(self, host, port, timeout):
            sent.append((host, port))

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def starttls(self):
            pass

        def login(self, user, password):
            pass

        def send_message(self, message):
            sent.append(message)

    monkeypatch.setattr("practice.mail.smtplib.SMTP", FakeSMTP)
    app.config["SMTP_HOST"] = "mail.example.org"
    case = make_case(as_counsellor, portal=False)
    case.partner("a").email = "alex@example.org"
    db.session.commit()
    link = invite(client, case)
    assert sent[0] == ("mail.example.org", 587)
    assert sent[1]["To"] == "alex@example.org"
    assert link in sent[1].get_content()
    assert db.session.scalar(sa.select(OutboundEmail)).sent_at is not None


def test_partner_accepts_the_invitation_and_lands_in_the_portal(
    app, client, as_counsellor, make_case
):
    case = make_case(as_counsellor, portal=False)
    link = invite(client, case)
    browser = app.test_client()
    page = browser.get(link)
    assert page.status_code == 200
    assert "Welcome, Alex" in page.data.decode()
    response = browser.post(
        link,
        data={
            "email": "Alex@Example.org",
            "password": "a good long one",
            "confirm": "a good long one",
        },
    )
    assert response.headers["Location"] == "/portal/"
    assert "Hello, Alex" in browser.get("/portal/").data.decode()
    partner = db.session.get(Partner, case.partner("a").id)
    assert partner.user.email == "alex@example.org"
    assert partner.user.role is Role.CLIENT
    actions = db.session.scalars(sa.select(AuditEvent.action)).all()
    assert "invitation.accept" in actions
    # The link works once.
    again = app.test_client().get(link)
    assert again.status_code == 410
    assert "already been used" in again.data.decode()
    assert "<form" not in again.data.decode()


def test_expired_replaced_and_forged_links_explain_themselves(
    app, client, as_counsellor, make_case
):
    case = make_case(as_counsellor, portal=False)
    old = invite(client, case)
    new = invite(client, case)
    replaced = app.test_client().get(old)
    assert replaced.status_code == 410
    assert "replaced by a newer one" in replaced.data.decode()
    db.session.execute(sa.update(Invitation).values(expires_at=now_utc() - timedelta(seconds=1)))
    db.session.commit()
    expired = app.test_client().post(
        new, data={"email": "a@example.org", "password": "x" * 12, "confirm": "x" * 12}
    )
    assert expired.status_code == 410
    assert "expired" in expired.data.decode()
    assert count(User) == 1  # only the counsellor
    forged = app.test_client().get("/invite/" + "A" * 43)
    assert forged.status_code == 404
    assert "not valid" in forged.data.decode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"password": "short", "confirm": "short"},
            "Use at least 10 characters",
        ),
        (
            {"password": "a good long one", "confirm": "other"},
            "The two passwords are not the same.",
        ),
        (
            {"password": "", "confirm": ""},
            "Choose a password.",
        ),
    ],
)
def test_bad_invitation_input(app, client, as_counsellor, make_case, data, message):
    case = make_case(as_counsellor, portal=False)
    link = invite(client, case)
    response = app.test_client().post(link, data=data)
    assert response.status_code == 400
    assert message in response.data.decode()
    assert count(User) == 1
    assert app.test_client().get(link).status_code == 200  # still usable


def test_partners_with_a_login_are_not_invited_again(client, as_counsellor, make_case):
    case = make_case(as_counsellor)
    response = client.post(f"/cases/{case.id}/partners/{case.partner('a').id}/invite")
    assert response.status_code == 303
    assert "already has a portal login" in client.get(response.headers["Location"]).data.decode()
    assert count(Invitation) == 0
