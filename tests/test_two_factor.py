"""Two-factor sign-in, and changing one's email: re-authentication before it counts."""

import time

import pyotp
import pytest
import sqlalchemy as sa

from practice.admin.models import PracticeSettings
from practice.audit.models import AuditEvent
from practice.auth.models import User
from practice.auth.pending import MAX_CODE_TRIES, WRONG_CODES_PER_ACCOUNT
from practice.auth.two_factor import check_code
from practice.database import now_utc
from practice.extensions import db
from tests.conftest import PASSWORD


def set_up_two_factor(client, user) -> tuple[str, list[str]]:
    """Go through the pages; return the secret and the recovery codes shown."""
    client.post("/account/two-factor/start")
    db.session.refresh(user)
    secret = user.totp_secret
    page = client.get("/account/two-factor").data.decode()
    assert "data:image/svg+xml;base64," in page  # the QR code
    response = client.post(
        "/account/two-factor/enable",
        data={"current_password": PASSWORD, "code": pyotp.TOTP(secret).now()},
    )
    page = response.data.decode()
    assert "Two-factor sign-in is on" in page
    codes = [c.split("<")[0] for c in page.split('list-group-item">')[1:]]
    return secret, codes


def test_setting_it_up_and_logging_in_with_a_code(app, auth, client, counsellor):
    auth.login(counsellor)
    secret, codes = set_up_two_factor(client, counsellor)
    assert len(codes) == 8
    db.session.refresh(counsellor)
    assert counsellor.two_factor
    assert secret not in str(counsellor.recovery_codes)  # only hashes are kept
    raw = db.session.execute(
        sa.text("SELECT totp_secret FROM users WHERE id = :id"), {"id": counsellor.id}
    ).scalar()
    assert secret not in raw  # encrypted at rest
    auth.logout()

    browser = app.test_client()
    first = browser.post("/login", data={"email": counsellor.email, "password": PASSWORD})
    assert first.headers["Location"] == "/login/two-factor"
    assert browser.get("/dashboard").status_code == 302  # not logged in yet
    wrong = browser.post("/login/two-factor", data={"code": "000000"})
    assert wrong.status_code == 400
    assert "That code is not right" in wrong.data.decode()
    # The code just used to turn it on cannot be used again.
    code = pyotp.TOTP(secret).at(time.time() + 30)
    assert browser.post("/login/two-factor", data={"code": code}).status_code == 302
    assert browser.get("/dashboard").status_code == 200
    assert "login.success" in db.session.scalars(sa.select(AuditEvent.action)).all()


def test_a_code_is_never_accepted_twice(counsellor):
    counsellor.totp_secret = pyotp.random_base32()
    now = time.time()
    code = pyotp.TOTP(counsellor.totp_secret).at(now)
    assert check_code(counsellor, code, at=now)
    assert not check_code(counsellor, code, at=now)
    assert not check_code(counsellor, "12345", at=now)
    assert not check_code(counsellor, "abcdef", at=now)


def test_a_recovery_code_works_once(app, auth, client, counsellor):
    auth.login(counsellor)
    _, codes = set_up_two_factor(client, counsellor)
    auth.logout()
    for expected in (302, 400):
        browser = app.test_client()
        browser.post("/login", data={"email": counsellor.email, "password": PASSWORD})
        response = browser.post("/login/two-factor", data={"code": codes[0]})
        assert response.status_code == expected
    db.session.refresh(counsellor)
    assert len(counsellor.recovery_codes) == 7


def test_too_many_wrong_codes_end_the_attempt(app, auth, client, counsellor):
    auth.login(counsellor)
    set_up_two_factor(client, counsellor)
    auth.logout()
    browser = app.test_client()
    browser.post("/login", data={"email": counsellor.email, "password": PASSWORD})
    for _ in range(4):
        assert browser.post("/login/two-factor", data={"code": "111111"}).status_code == 400
    last = browser.post("/login/two-factor", data={"code": "111111"})
    assert last.headers["Location"] == "/login"
    assert browser.get("/login/two-factor").headers["Location"] == "/login"


def test_turning_it_on_needs_the_password_and_a_code(auth, client, counsellor):
    auth.login(counsellor)
    client.post("/account/two-factor/start")
    db.session.refresh(counsellor)
    code = pyotp.TOTP(counsellor.totp_secret).now()
    bad_password = client.post(
        "/account/two-factor/enable", data={"current_password": "wrong", "code": code}
    )
    assert bad_password.status_code == 400
    assert "That is not your current password." in bad_password.data.decode()
    bad_code = client.post(
        "/account/two-factor/enable", data={"current_password": PASSWORD, "code": "999999"}
    )
    assert bad_code.status_code == 400
    db.session.refresh(counsellor)
    assert not counsellor.two_factor


def test_turning_it_off(auth, client, counsellor):
    auth.login(counsellor)
    secret, _ = set_up_two_factor(client, counsellor)
    response = client.post(
        "/account/two-factor/disable",
        data={"current_password": PASSWORD, "code": pyotp.TOTP(secret).at(time.time() + 30)},
    )
    assert response.status_code == 302
    db.session.refresh(counsellor)
    assert not counsellor.two_factor
    assert counsellor.totp_secret is None


def test_the_practice_can_require_it_for_staff(app, auth, client, counsellor, make_case, make_user):
    db.session.add(
        PracticeSettings(
            name="P",
            address="",
            timezone="UTC",
            page_size="A4",
            support_resources="x",
            require_two_factor=True,
        )
    )
    db.session.commit()
    auth.login(counsellor)
    response = client.get("/dashboard")
    assert response.headers["Location"] == "/account/two-factor"
    assert client.get("/cases/").headers["Location"] == "/account/two-factor"
    assert client.get("/account/two-factor").status_code == 200
    set_up_two_factor(client, counsellor)
    assert client.get("/dashboard").status_code == 200
    # It cannot be turned off while required.
    refused = client.post(
        "/account/two-factor/disable", data={"current_password": PASSWORD, "code": "123456"}
    )
    assert refused.status_code == 400
    # Clients are not asked.
    case = make_case(make_user())
    auth.logout()
    auth.login(case.partners[0].user)
    assert client.get("/portal/").status_code == 200


def test_changing_email_needs_the_password(app, auth, client, counsellor, owner):
    other = app.test_client()
    other.post("/login", data={"email": counsellor.email, "password": PASSWORD})
    auth.login(counsellor)
    refused = client.post(
        "/account/email", data={"email": "new@example.org", "current_password": "wrong"}
    )
    assert refused.status_code == 400
    assert "new@example.org" in refused.data.decode()
    taken = client.post("/account/email", data={"email": owner.email, "current_password": PASSWORD})
    assert taken.status_code == 400
    assert "Another account already uses this email." in taken.data.decode()
    done = client.post(
        "/account/email", data={"email": "New@Example.org", "current_password": PASSWORD}
    )
    assert done.status_code == 302
    assert db.session.get(User, counsellor.id).email == "new@example.org"
    assert other.get("/dashboard").status_code == 302  # the other browser is logged out
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "email.change"))
    assert event.detail["new"] == "new@example.org"


@pytest.mark.parametrize("url", ["/account/email", "/account/two-factor", "/account/password"])
def test_account_pages_need_a_login(client, url):
    assert client.get(url).headers["Location"].startswith("/login")


# --- Issue 17: the count of wrong codes lives on the server ------------------------


def two_factor_on(user) -> pyotp.TOTP:
    """Turn two-factor sign-in on for ``user`` directly; the authenticator it pairs with."""
    user.totp_secret = pyotp.random_base32()
    user.totp_enabled_at = now_utc()
    db.session.commit()
    return pyotp.TOTP(user.totp_secret)


def from_address(app, n: int):
    """A browser at another address, as a replayed cookie would be sent from."""
    browser = app.test_client()
    browser.environ_base["REMOTE_ADDR"] = f"203.0.113.{n}"
    return browser


@pytest.fixture
def unthrottled(config_class, make_app):
    """The app with its rate limits out of the way, to see the counts kept on the server."""
    limits = {"LOGIN_LIMIT_PER_ADDRESS": "1000/minute", "LOGIN_LIMIT_PER_ACCOUNT": "1000/minute"}
    return make_app(type("Unthrottled", (config_class,), limits))


def test_a_saved_code_step_cookie_buys_no_more_guesses(unthrottled, counsellor):
    totp = two_factor_on(counsellor)
    browser = from_address(unthrottled, 1)
    browser.post("/login", data={"email": counsellor.email, "password": PASSWORD})
    saved = browser.get_cookie("mend_session").value
    for _ in range(MAX_CODE_TRIES):
        last = browser.post("/login/two-factor", data={"code": "000000"})
    assert last.headers["Location"] == "/login"
    for n in range(2, 5):
        replay = from_address(unthrottled, n)
        replay.set_cookie("mend_session", saved)
        response = replay.post("/login/two-factor", data={"code": "000000"})
        assert response.headers["Location"] == "/login"  # no guess is judged
    replay.set_cookie("mend_session", saved)
    right = replay.post("/login/two-factor", data={"code": totp.at(time.time() + 30)})
    assert right.headers["Location"] == "/login"
    assert replay.get("/dashboard").status_code == 302  # not logged in


def test_wrong_codes_are_counted_per_account_across_logins(unthrottled, counsellor):
    totp = two_factor_on(counsellor)
    left, n = WRONG_CODES_PER_ACCOUNT, 0
    while left:  # each login stops short of its own limit
        n += 1
        browser = from_address(unthrottled, n)
        browser.post("/login", data={"email": counsellor.email, "password": PASSWORD})
        for _ in range(min(left, MAX_CODE_TRIES - 1)):
            assert browser.post("/login/two-factor", data={"code": "000000"}).status_code == 400
            left -= 1
    browser = from_address(unthrottled, 99)
    browser.post("/login", data={"email": counsellor.email, "password": PASSWORD})
    refused = browser.post("/login/two-factor", data={"code": totp.at(time.time() + 30)})
    assert refused.status_code == 429
    assert "Too many wrong codes" in refused.data.decode()
    assert browser.get("/dashboard").status_code == 302


def test_codes_are_throttled_per_account(app, counsellor):
    two_factor_on(counsellor)
    statuses = []
    for n in range(2):
        browser = from_address(app, n)
        browser.post("/login", data={"email": counsellor.email, "password": PASSWORD})
        statuses += [
            browser.post("/login/two-factor", data={"code": "000000"}).status_code for _ in range(3)
        ]
    assert statuses == [400] * 5 + [429]
