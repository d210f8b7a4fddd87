"""The security baseline every page shares: logins, CSRF, headers, error pages."""

import pytest
import sqlalchemy as sa

from practice.auth.models import LoginSession, User
from practice.database import now_utc
from practice.extensions import db
from practice.parking import ParkedForm
from tests.conftest import csrf_login
from tests.routes import posting, protected


@pytest.mark.parametrize(("endpoint", "url"), protected("GET"))
def test_anonymous_get_is_sent_to_login(client, endpoint, url):
    response = client.get(url)
    assert response.status_code == 302, endpoint
    assert response.headers["Location"].startswith("/login?next="), endpoint


@pytest.mark.parametrize(("endpoint", "url"), protected("POST"))
def test_anonymous_post_is_sent_to_login(client, endpoint, url):
    response = client.post(url, data={})
    assert response.status_code == 302, endpoint
    assert response.headers["Location"].startswith("/login"), endpoint


#: POSTs that check their token themselves, because refusing would be worse than the
#: forgery: the quick exit always lands on its neutral page, and without its token
#: from another origin it ends nothing (tests/test_portal_safety.py proves both).
CHECKS_ITS_OWN_TOKEN = {"auth.quick_exit"}


@pytest.mark.parametrize(
    ("endpoint", "url"), [(e, u) for e, u in posting() if e not in CHECKS_ITS_OWN_TOKEN]
)
def test_every_post_needs_a_csrf_token(csrf_client, owner, endpoint, url):
    csrf_login(csrf_client, owner)
    before = db.session.scalar(sa.select(sa.func.count()).select_from(User))
    response = csrf_client.post(url, data={"email": "new@example.org", "name": "x"})
    assert response.status_code == 400, endpoint
    assert b"This form has expired" in response.data
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == before


@pytest.mark.parametrize(("endpoint", "url"), protected("POST"))
def test_a_post_after_the_login_ended_is_kept_not_lost(csrf_client, owner, endpoint, url):
    """The login ended, and its CSRF token with it: the form is parked for its sender."""
    csrf_login(csrf_client, owner)
    db.session.execute(sa.update(LoginSession).values(ended_at=now_utc()))
    db.session.commit()
    response = csrf_client.post(url, data={"goals": "typed before the login ended"})
    assert response.status_code == 302, endpoint
    assert response.headers["Location"].startswith("/login")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ParkedForm)) == 1


@pytest.mark.parametrize(("endpoint", "url"), protected("POST"))
def test_a_post_without_a_login_behind_it_is_kept_nowhere(csrf_client, endpoint, url):
    """Such a form may come from another site, whose browser kept our cookie back:
    nothing is stored, and no cookie is set that would log the browser's owner out."""
    response = csrf_client.post(url, data={"goals": "typed by someone else"})
    assert response.status_code == 400, endpoint
    assert "Set-Cookie" not in response.headers, endpoint
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ParkedForm)) == 0


def test_login_with_a_csrf_token_works(csrf_client, owner):
    page = csrf_client.get("/login").data.decode()
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    response = csrf_client.post(
        "/login",
        data={"email": owner.email, "password": "correct horse battery", "csrf_token": token},
    )
    assert response.status_code == 302


@pytest.mark.parametrize("url", ["/login", "/healthz", "/no-such-page", "/static/css/app.css"])
def test_security_headers_on_every_response(client, url):
    with client.get(url) as response:
        headers = response.headers
    csp = headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in headers  # only in production


def test_hsts_in_production(app):
    app.config["HSTS"] = True
    assert "max-age" in app.test_client().get("/login").headers["Strict-Transport-Security"]


def test_pages_carry_no_inline_script(client):
    page = client.get("/login").data.decode()
    assert "<script>" not in page
    assert " on" + "click=" not in page


def test_unknown_url_is_a_plain_404(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert b"Page not found" in response.data
    assert b"Traceback" not in response.data


def test_wrong_method_is_405(client):
    response = client.put("/login")
    assert response.status_code == 405
    assert "GET" in response.headers["Allow"]


def test_unexpected_error_is_a_plain_500(app, client):
    @app.get("/explode")
    def explode():
        raise RuntimeError("secret internals")

    response = client.get("/explode")
    assert response.status_code == 500
    assert b"Something went wrong on our side" in response.data
    assert b"secret internals" not in response.data
    assert b"Traceback" not in response.data


def test_no_state_change_on_get(client, auth, owner, count_queries):
    """Logged-in GETs of every page write nothing but audit events."""
    auth.login(owner)
    with count_queries() as queries:
        for endpoint, url in protected("GET"):
            assert client.get(url).status_code < 500, endpoint
    writes = [q for q in queries if q.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))]
    assert writes
    assert all("audit_events" in q for q in writes), writes


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}
