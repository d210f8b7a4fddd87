"""Portal invitations: made by a POST and shown by a GET, sent or kept for sending,
and fixed to the email the counsellor checked."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from practice.audit.models import AuditEvent
from practice.auth.models import Role, User
from practice.cases.models import Case, Invitation, Partner
from practice.extensions import db
from practice.mail.models import OutboundEmail
from tests.factories import count, invite, link_on, new_case_data


@pytest.fixture
def as_counsellor(auth, counsellor):
    auth.login(counsellor)
    return counsellor


@pytest.fixture
def invited(make_case, as_counsellor):
    """A couple without portal logins, with emails on file."""
    case = make_case(as_counsellor, portal=False)
    for partner in case.partners:
        partner.email = f"{partner.first_name.lower()}@example.org"
    db.session.commit()
    return case


def page_url(case, position="a"):
    return f"/cases/{case.id}/partners/{case.partner(position).id}/invitation"


def invite_url(case, position="a"):
    return f"/cases/{case.id}/partners/{case.partner(position).id}/invite"


class FakeSMTP:
    sent: list = []

    def __init__(self, host, port, timeout):
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def starttls(self):
        pass

    def login(self, user, password):
        pass

    def send_message(self, message):
        FakeSMTP.sent.append(message)


@pytest.fixture
def smtp(app, monkeypatch):
    FakeSMTP.sent = []
    monkeypatch.setattr("practice.mail.smtplib.SMTP", FakeSMTP)
    monkeypatch.setitem(app.config, "SMTP_HOST", "mail.example.org")
    return FakeSMTP.sent


# --- Post/redirect/get --------------------------------------------------------


def test_reloading_the_invitation_page_makes_no_new_link(client, invited):
    response = client.post(invite_url(invited))
    assert response.status_code == 303
    assert response.headers["Location"].endswith(page_url(invited))
    first = client.get(page_url(invited))
    again = client.get(page_url(invited))
    assert first.status_code == again.status_code == 200
    assert link_on(first.data.decode()) == link_on(again.data.decode())
    assert count(Invitation) == 1
    assert "Copy link" in first.data.decode()


def test_resend_makes_a_new_link_shown_once_and_the_old_one_stops(app, client, invited):
    old = invite(client, invited)
    page = client.get(page_url(invited)).data.decode()
    assert "Resend with a new link" in page
    new = link_on(client.get(client.post(invite_url(invited)).headers["Location"]).data.decode())
    assert new != old
    assert app.test_client().get(old).status_code == 410
    assert app.test_client().get(new).status_code == 200
    invitations = db.session.scalars(sa.select(Invitation).order_by(Invitation.id)).all()
    assert [i.revoked_at is not None for i in invitations] == [True, False]


def test_the_link_is_shown_only_to_the_login_that_made_it_for_a_few_minutes(
    app, client, auth, invited, counsellor, monkeypatch
):
    link = invite(client, invited)
    auth.logout()
    auth.login(counsellor)
    page = client.get(page_url(invited)).data.decode()
    assert link not in page
    assert 'id="link"' not in page
    assert "keeps no readable copy" in page
    # The same login, after the few minutes are up.
    link = invite(client, invited)
    monkeypatch.setattr("practice.cases.invitation_links.SHOWN_FOR", timedelta(seconds=-1))
    assert link not in client.get(page_url(invited)).data.decode()


def test_the_raw_token_is_stored_nowhere_readable(app, client, invited):
    link = invite(client, invited)
    token = link.rsplit("/", 1)[1]
    with db.engine.connect() as connection:
        for table in db.metadata.sorted_tables:
            # Raw rows, as a copy of the database holds them (no decrypting types).
            for row in connection.exec_driver_sql(f"SELECT * FROM {table.name}"):  # noqa: S608
                assert token not in repr(tuple(row)), table.name
    cookie = client.get_cookie("mend_session")
    assert token not in cookie.value


def test_a_partner_without_an_email_is_asked_for_first(client, make_case, as_counsellor):
    case = make_case(as_counsellor, portal=False)
    response = client.post(invite_url(case), follow_redirects=True)
    assert "email to the case first: it becomes their login" in response.data.decode()
    assert count(Invitation) == 0
    assert "add one</a> to invite Alex" in client.get(f"/cases/{case.id}").data.decode()


# --- The email, checked and fixed -----------------------------------------------


def test_a_new_case_with_a_clients_login_email_is_refused_beside_the_field(
    client, as_counsellor, make_user
):
    make_user(Role.CLIENT, email="taken@example.org", name="Someone Else")
    response = client.post(
        "/cases/new", data=new_case_data(partner_b_email="Taken@Example.org", goals="kept goals")
    )
    assert response.status_code == 400
    page = response.data.decode()
    assert "already used by another account" in page
    assert "Someone Else" not in page
    assert 'id="partner_b_email-error"' in page or 'aria-invalid="true"' in page
    assert "kept goals" in page
    assert count(Case) == 0


def test_changing_a_case_to_a_clients_login_email_is_refused(
    client, as_counsellor, make_case, make_user
):
    other = make_user(Role.CLIENT, email="taken@example.org")
    case = make_case(as_counsellor)
    alex = case.partner("a")
    data = new_case_data(
        partner_a_name=alex.name,
        partner_a_email=alex.email,  # Alex's own login: fine
        partner_b_name="Jordan Morgan",
        partner_b_email=other.email,
        status="active",
    )
    response = client.post(f"/cases/{case.id}/edit", data=data)
    assert response.status_code == 400
    assert "already used by another account" in response.data.decode()
    data["partner_b_email"] = case.partner("b").email
    assert client.post(f"/cases/{case.id}/edit", data=data).status_code == 302


def test_the_sign_up_page_shows_the_email_and_cannot_change_it(app, client, invited):
    link = invite(client, invited)
    phone = app.test_client()
    page = phone.get(link).data.decode()
    assert 'value="alex@example.org"' in page
    assert 'name="email"' not in page
    response = phone.post(
        link,
        data={
            "email": "someone-else@example.org",
            "password": "a good long one",
            "confirm": "a good long one",
        },
    )
    assert response.status_code == 302
    assert db.session.scalar(sa.select(User.email).where(User.role == Role.CLIENT)) == (
        "alex@example.org"
    )
    assert not db.session.scalar(sa.select(User.id).where(User.email.like("someone-else%")))


def test_an_email_taken_after_the_link_was_made_is_refused_at_sign_up(
    app, client, invited, make_user
):
    link = invite(client, invited)
    make_user(Role.CLIENT, email="alex@example.org")
    response = app.test_client().post(
        link, data={"password": "a good long one", "confirm": "a good long one"}
    )
    assert response.status_code == 400
    assert "This email already has a Mend login." in response.data.decode()
    assert db.session.get(Partner, invited.partner("a").id).user_id is None


def test_changing_a_partners_email_stops_their_open_link(app, client, invited):
    link = invite(client, invited)
    data = new_case_data(
        partner_a_email="alex.new@example.org", partner_b_email="jordan@example.org"
    )
    assert client.post(f"/cases/{invited.id}/edit", data=data).status_code == 302
    assert app.test_client().get(link).status_code == 410
    assert "Invite to the portal" in client.get(f"/cases/{invited.id}").data.decode()


# --- The outbox ---------------------------------------------------------------


def test_the_outbox_keeps_an_undelivered_link_encrypted_until_it_is_used(app, client, invited):
    link = invite(client, invited)
    message = db.session.scalar(sa.select(OutboundEmail))
    assert link not in message.body
    assert "http://localhost" + link in message.kept_body
    raw = db.session.scalar(sa.select(sa.type_coerce(OutboundEmail.kept_body, sa.Text)))
    assert link.rsplit("/", 1)[1] not in raw
    app.test_client().post(link, data={"password": "a good long one", "confirm": "a good long one"})
    db.session.expire_all()
    assert db.session.scalar(sa.select(OutboundEmail)).kept_body is None


def test_resending_blanks_the_outboxs_copy_of_the_old_link(client, invited):
    invite(client, invited)
    invite(client, invited)
    kept = db.session.scalars(sa.select(OutboundEmail.kept_body).order_by(OutboundEmail.id)).all()
    assert kept[0] is None
    assert kept[1] is not None


def test_the_owner_sends_a_waiting_invitation_from_the_outbox(
    app, client, auth, invited, owner, smtp, monkeypatch
):
    monkeypatch.setitem(app.config, "SMTP_HOST", None)
    link = invite(client, invited)
    monkeypatch.setitem(app.config, "SMTP_HOST", "mail.example.org")
    auth.logout()
    auth.login(owner)
    message = db.session.scalar(sa.select(OutboundEmail))
    assert "Send now" in client.get("/admin/outbox").data.decode()
    response = client.post(f"/admin/outbox/{message.id}/send")
    assert response.status_code == 303
    assert len(smtp) == 1
    assert smtp[0]["To"] == "alex@example.org"
    assert "http://localhost" + link in smtp[0].get_content()
    db.session.expire_all()
    message = db.session.get(OutboundEmail, message.id)
    assert message.sent_at is not None
    assert message.kept_body is None
    assert db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "outbox.send"))
    # Sent once: a second press sends nothing.
    client.post(f"/admin/outbox/{message.id}/send")
    assert len(smtp) == 1


def test_a_replaced_invitation_is_not_sent_from_the_outbox(
    app, client, auth, invited, owner, smtp, monkeypatch
):
    monkeypatch.setitem(app.config, "SMTP_HOST", None)
    invite(client, invited)
    invite(client, invited)
    monkeypatch.setitem(app.config, "SMTP_HOST", "mail.example.org")
    auth.logout()
    auth.login(owner)
    first = db.session.scalar(sa.select(OutboundEmail).order_by(OutboundEmail.id))
    response = client.post(f"/admin/outbox/{first.id}/send", follow_redirects=True)
    assert "no longer works" in response.data.decode()
    assert smtp == []


def test_an_invitation_sent_at_once_keeps_no_copy(client, invited, smtp):
    link = invite(client, invited)
    assert "http://localhost" + link in smtp[0].get_content()
    message = db.session.scalar(sa.select(OutboundEmail))
    assert message.sent_at is not None
    assert message.kept_body is None
    assert "Sent by email to alex@example.org" in client.get(page_url(invited)).data.decode()
