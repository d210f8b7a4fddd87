"""Logging in and out, sessions, throttling and passwords."""

from datetime import timedelta

import pytest
import redis
import sqlalchemy as sa

from practice.audit.models import AuditEvent
from practice.auth.models import LoginSession, Role, User
from practice.database import now_utc
from practice.extensions import db
from tests.conftest import PASSWORD


def actions():
    return db.session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)).all()


def test_login_page_has_the_fields(client):
    response = client.get("/login")
    assert response.status_code == 200
    assert b'name="email"' in response.data
    assert b'name="password"' in response.data


def test_counsellor_lands_on_dashboard(client, auth, counsellor):
    response = auth.login(counsellor)
    assert response.status_code == 302
    assert response.headers["Location"] == "/dashboard"
    assert client.get("/dashboard").status_code == 200
    assert actions() == ["login.success"]


def test_client_lands_in_portal(client, auth, make_user):
    partner = make_user(Role.CLIENT)
    response = auth.login(partner)
    assert response.headers["Location"] == "/portal/"


def test_email_is_matched_without_regard_to_case(auth, counsellor):
    assert auth.login(counsellor.email.upper()).status_code == 302


@pytest.mark.parametrize(
    ("email", "password"),
    [
        ("casey@example.org", "wrong password"),  # wrong password
        ("nobody@example.org", PASSWORD),  # unknown account
        ("inactive@example.org", PASSWORD),  # deactivated account
    ],
)
def test_failed_logins_all_say_the_same(auth, counsellor, make_user, email, password):
    make_user(Role.COUNSELLOR, email="inactive@example.org", active=False)
    response = auth.login(email, password)
    assert response.status_code == 400
    assert b"That email and password do not match an active account." in response.data
    assert email.encode() in response.data  # the email typed is kept
    assert password.encode() not in response.data  # the password never is
    assert actions()[-1] == "login.failure"


def test_missing_fields_answer_400_beside_the_field(client):
    response = client.post("/login", data={"email": "", "password": ""})
    assert response.status_code == 400
    assert b"Enter your email." in response.data
    assert b"Enter your password." in response.data


@pytest.mark.parametrize(
    ("next_url", "expected"),
    [
        ("/admin/settings", "/admin/settings"),
        ("https://evil.example/", "/dashboard"),
        ("//evil.example/", "/dashboard"),
        ("/\\evil.example", "/dashboard"),
        ("javascript:alert(1)", "/dashboard"),
    ],
)
def test_next_must_be_a_local_path(client, owner, next_url, expected):
    response = client.post(
        "/login",
        query_string={"next": next_url},
        data={"email": owner.email, "password": PASSWORD},
    )
    assert response.headers["Location"] == expected


def test_login_starts_a_fresh_session(client, auth, counsellor):
    with client.session_transaction() as session:
        session["left_over"] = "from before"
    auth.login(counsellor)
    with client.session_transaction() as session:
        assert "left_over" not in session
        assert session.permanent


def test_logout_ends_the_session_on_the_server(client, auth, counsellor):
    auth.login(counsellor)
    cookie = client.get_cookie("mend_session").value
    assert auth.logout().status_code == 302
    # Replaying the old cookie does not bring the login back.
    client.set_cookie("mend_session", cookie)
    response = client.get("/dashboard")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_logout_needs_post(client):
    assert client.get("/logout").status_code == 405


def test_idle_session_expires(client, auth, counsellor, go_idle):
    auth.login(counsellor)
    assert client.get("/dashboard").status_code == 200
    go_idle()
    response = client.get("/dashboard")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_activity_keeps_the_session_alive(client, auth, counsellor):
    auth.login(counsellor)
    response = client.get("/dashboard")
    assert "mend_session=" in response.headers.get("Set-Cookie", "")


def test_sessions_end_after_the_absolute_lifetime(client, auth, counsellor, app):
    auth.login(counsellor)
    db.session.execute(
        sa.update(LoginSession).values(
            created_at=now_utc() - app.config["SESSION_MAX_AGE"] - timedelta(minutes=1)
        )
    )
    db.session.commit()
    assert client.get("/dashboard").status_code == 302


def test_deactivated_user_is_logged_out_on_next_request(client, auth, counsellor):
    auth.login(counsellor)
    assert client.get("/dashboard").status_code == 200
    db.session.execute(sa.update(User).where(User.id == counsellor.id).values(active=False))
    db.session.commit()
    response = client.get("/dashboard")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_login_is_throttled_per_account(client, counsellor):
    statuses = [
        client.post("/login", data={"email": counsellor.email, "password": "nope"}).status_code
        for _ in range(6)
    ]
    assert statuses[:5] == [400] * 5
    assert statuses[5] == 429
    assert (
        b"Too many attempts"
        in client.post("/login", data={"email": counsellor.email, "password": PASSWORD}).data
    )


def test_login_is_throttled_per_address(client):
    statuses = [
        client.post("/login", data={"email": f"x{i}@example.org", "password": "nope"}).status_code
        for i in range(11)
    ]
    assert statuses[-1] == 429


def test_session_cookie_flags(client, auth, counsellor):
    response = auth.login(counsellor)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_change_password(client, auth, counsellor, app):
    other_browser = app.test_client()
    other_browser.post("/login", data={"email": counsellor.email, "password": PASSWORD})
    auth.login(counsellor)
    response = client.post(
        "/account/password",
        data={
            "current_password": PASSWORD,
            "password": "a new long password",
            "confirm": "a new long password",
        },
    )
    assert response.status_code == 302
    assert client.get("/dashboard").status_code == 200  # this browser stays in
    assert other_browser.get("/dashboard").status_code == 302  # the other is logged out
    auth.logout()
    assert auth.login(counsellor, "a new long password").status_code == 302


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {
                "current_password": "wrong",
                "password": "a new long password",
                "confirm": "a new long password",
            },
            b"That is not your current password.",
        ),
        (
            {"current_password": PASSWORD, "password": "short", "confirm": "short"},
            b"Use at least 10 characters",
        ),
        (
            {
                "current_password": PASSWORD,
                "password": "a new long password",
                "confirm": "something else",
            },
            b"The two passwords are not the same.",
        ),
    ],
)
def test_change_password_refusals(client, auth, counsellor, data, message):
    auth.login(counsellor)
    response = client.post("/account/password", data=data)
    assert response.status_code == 400
    assert message in response.data
    db.session.refresh(counsellor)
    assert counsellor.check_password(PASSWORD)


def test_passwords_are_argon2id(counsellor):
    assert counsellor.password_hash.startswith("$argon2id$")


def test_throttling_is_shared_through_redis(config_class, make_app, redis_url, counsellor):
    """Two app processes behind one Redis count failed logins together."""
    redis.Redis.from_url(redis_url).flushdb()
    shared = type("RedisConfig", (config_class,), {"RATELIMIT_STORAGE_URI": redis_url})
    workers = [make_app(shared).test_client() for _ in range(2)]
    statuses = [
        workers[i % 2]
        .post("/login", data={"email": counsellor.email, "password": "nope"})
        .status_code
        for i in range(6)
    ]
    assert statuses[-1] == 429
