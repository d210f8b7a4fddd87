"""The owner's pages: accounts, settings, the audit trail."""

import pytest
import sqlalchemy as sa

from practice.admin.models import PracticeSettings
from practice.audit.models import AuditEvent
from practice.auth.models import Role, User
from practice.extensions import db
from tests.conftest import PASSWORD

NEW = {
    "name": "Nia Nolan",
    "email": "Nia@Example.org",
    "password": "long enough pass",
    "confirm": "long enough pass",
}


@pytest.fixture
def as_owner(auth, owner):
    auth.login(owner)
    return owner


@pytest.mark.parametrize(
    "url", ["/admin/accounts", "/admin/accounts/new", "/admin/settings", "/admin/audit"]
)
def test_counsellors_and_clients_cannot_open_admin_pages(client, auth, make_user, url):
    for role, status in ((Role.COUNSELLOR, 403), (Role.CLIENT, 404)):
        user = make_user(role)
        auth.login(user)
        assert client.get(url).status_code == status
        auth.logout()


def test_owner_creates_a_counsellor_who_can_log_in(client, auth, as_owner):
    response = client.post("/admin/accounts/new", data=NEW)
    assert response.status_code == 302
    user = db.session.scalar(sa.select(User).where(User.email == "nia@example.org"))
    assert user.role is Role.COUNSELLOR
    assert "Nia Nolan" in client.get("/admin/accounts").data.decode()
    auth.logout()
    assert auth.login("nia@example.org", "long enough pass").headers["Location"] == "/dashboard"
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "account.create"))
    assert event.actor_id == as_owner.id
    assert event.object_id == user.id


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"name": ""}, "Enter the counsellor&#39;s name."),
        ({"email": "not an email"}, "That does not look like an email address."),
        ({"password": "short", "confirm": "short"}, "Use at least 10 characters"),
        ({"confirm": "different thing"}, "The two passwords are not the same."),
        ({"email": "owner@example.org"}, "An account with this email already exists."),
    ],
)
def test_bad_account_input_is_400_and_keeps_what_was_typed(client, as_owner, change, message):
    response = client.post("/admin/accounts/new", data={**NEW, **change})
    page = response.data.decode()
    assert response.status_code == 400
    assert message in page
    if "name" not in change:
        assert 'value="Nia Nolan"' in page
    assert "long enough pass" not in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 1


def test_deactivate_and_reactivate(client, auth, as_owner, counsellor, app):
    browser = app.test_client()
    browser.post("/login", data={"email": counsellor.email, "password": PASSWORD})
    assert browser.get("/dashboard").status_code == 200
    assert client.post(f"/admin/accounts/{counsellor.id}/deactivate").status_code == 302
    assert browser.get("/dashboard").status_code == 302
    assert (
        browser.post("/login", data={"email": counsellor.email, "password": PASSWORD}).status_code
        == 400
    )
    client.post(f"/admin/accounts/{counsellor.id}/reactivate")
    assert (
        browser.post("/login", data={"email": counsellor.email, "password": PASSWORD}).status_code
        == 302
    )


def test_owner_cannot_deactivate_themself(client, as_owner):
    client.post(f"/admin/accounts/{as_owner.id}/deactivate")
    db.session.refresh(as_owner)
    assert as_owner.active


def test_client_accounts_are_not_managed_here(client, as_owner, make_user):
    partner = make_user(Role.CLIENT)
    assert client.post(f"/admin/accounts/{partner.id}/deactivate").status_code == 404
    assert client.post("/admin/accounts/9999/deactivate").status_code == 404


def test_settings_are_saved(client, as_owner):
    data = {
        "name": "Harbour Counselling",
        "address": "1 Quay St\nBristol",
        "timezone": "Europe/London",
        "page_size": "Letter",
        "support_resources": "Call 999 in an emergency.",
    }
    assert client.post("/admin/settings", data=data).status_code == 302
    saved = PracticeSettings.get()
    assert (saved.name, saved.timezone, saved.page_size) == (
        "Harbour Counselling",
        "Europe/London",
        "Letter",
    )
    assert "Harbour Counselling" in client.get("/admin/settings").data.decode()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"timezone": "Mars/Olympus"}, "That is not a time zone Mend knows"),
        ({"name": ""}, "The practice needs a name."),
        ({"page_size": "A3"}, "Not a valid choice"),
        ({"support_resources": ""}, "Give clients at least one place to turn."),
    ],
)
def test_bad_settings_are_refused(client, as_owner, change, message):
    data = {
        "name": "Harbour",
        "address": "",
        "timezone": "Europe/London",
        "page_size": "A4",
        "support_resources": "Call 999.",
        **change,
    }
    response = client.post("/admin/settings", data=data)
    assert response.status_code == 400
    assert message in response.data.decode()
    assert PracticeSettings.get().id is None


def test_audit_trail_filters(client, auth, as_owner, counsellor):
    auth.logout()
    auth.login(counsellor, "wrong")
    auth.login(as_owner)
    page = client.get("/admin/audit?action=login.failure").data.decode()
    table = page.split("<tbody>")[1]
    assert "Login failed" in table
    assert "Logged in" not in table
    page = client.get(f"/admin/audit?user={as_owner.id}&since=2000-01-01&until=2999-01-01")
    assert "Logged in" in page.data.decode().split("<tbody>")[1]
    # Nonsense filters are ignored, not fatal.
    assert client.get("/admin/audit?user=abc&since=nope&case=%27").status_code == 200


def test_audit_events_cannot_be_changed(as_owner):
    event = db.session.scalars(sa.select(AuditEvent)).first()
    event.action = "tampered"
    with pytest.raises(PermissionError):
        db.session.flush()
    db.session.rollback()
