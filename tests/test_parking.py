"""Parked forms: what was typed when a login ended comes back to that person only.

A form is parked only for a browser whose cookie names a login that has ended.
A form posted from another site arrives without the cookie (it is SameSite=Lax):
it parks nothing and its answer sets no cookie, so the browser's owner stays
logged in and never finds someone else's words in their forms (issue 17).
"""

from datetime import timedelta

import pytest
import sqlalchemy as sa
from werkzeug.test import encode_multipart

from practice import parking
from practice.auth.models import LoginSession, Role, hash_token
from practice.database import now_utc
from practice.extensions import db
from practice.parking import ParkedForm
from tests.conftest import csrf_login, form_token

PLANTED = "Call 555-0100 instead: a friend of your partner will answer."
GOALS = "To argue less about money and plan the move together"


def multipart(fields: dict) -> dict:
    """A large multipart body, made in memory (the test client would spool it to a file)."""
    boundary, body = encode_multipart(fields)
    return {"data": body, "content_type": f"multipart/form-data; boundary={boundary}"}


def parked() -> list[ParkedForm]:
    return list(db.session.scalars(sa.select(ParkedForm).order_by(ParkedForm.id)))


def end_logins() -> None:
    """End every login on the server, as logging out elsewhere or old age does."""
    db.session.execute(sa.update(LoginSession).values(ended_at=now_utc()))
    db.session.commit()


@pytest.mark.parametrize("page", ["settings", "safety"])
def test_a_form_posted_from_another_site_keeps_nothing_and_logs_nobody_out(
    csrf_client, owner, make_case, page
):
    url = "/admin/settings" if page == "settings" else f"/cases/{make_case(owner).id}/safety"
    csrf_login(csrf_client, owner)
    cookie = csrf_client.get_cookie("mend_session").value
    csrf_client.delete_cookie("mend_session")  # kept back from a form another site posts
    response = csrf_client.post(
        url, data={"support_resources": PLANTED, "note": PLANTED, "outcome": "no-concerns"}
    )
    assert response.status_code == 400
    assert csrf_client.get_cookie("mend_session") is None  # nothing replaces the login
    assert parked() == []
    csrf_client.set_cookie("mend_session", cookie)
    again = csrf_client.get(url)
    assert again.status_code == 200  # still logged in
    assert PLANTED not in again.data.decode()


@pytest.mark.parametrize("csrf", [True, False])
def test_anonymous_posts_store_nothing(app, csrf):
    app.config["WTF_CSRF_ENABLED"] = csrf
    browser = app.test_client()
    fields = {f"goals{n}": "x" * 400_000 for n in range(5)}
    for _ in range(5):
        response = browser.post("/cases/new", **multipart(fields))
        assert response.status_code in {302, 400}
        assert "Set-Cookie" not in response.headers
    assert parked() == []


def test_a_form_sent_after_an_idle_timeout_comes_back_after_logging_in(
    csrf_client, counsellor, go_idle
):
    csrf_login(csrf_client, counsellor)
    token = form_token(csrf_client, "/cases/new")
    go_idle()
    response = csrf_client.post(
        "/cases/new", data={"csrf_token": token, "partner_a_name": "Alex", "goals": GOALS}
    )
    assert response.headers["Location"] == "/login?next=/cases/new"
    [form] = parked()
    login = db.session.get(LoginSession, form.login_session_id)
    assert login.user_id == counsellor.id
    assert login.ended_at is not None  # the idle login is ended on the server too
    csrf_login(csrf_client, counsellor)
    page = csrf_client.get("/cases/new").data.decode()
    assert "This is what you had typed before your login ended." in page
    assert GOALS in page


def test_a_parked_form_is_shown_to_nobody_else_on_the_same_browser(
    csrf_client, counsellor, make_user, go_idle
):
    csrf_login(csrf_client, counsellor)
    token = form_token(csrf_client, "/cases/new")
    go_idle()
    csrf_client.post("/cases/new", data={"csrf_token": token, "goals": GOALS})
    assert len(parked()) == 1
    csrf_login(csrf_client, make_user(Role.COUNSELLOR))  # the next person at this computer
    page = csrf_client.get("/cases/new").data.decode()
    assert GOALS not in page
    assert "This is what you had typed" not in page
    assert parked() == []  # and it is forgotten


def test_a_form_too_large_to_keep_is_not_parked(client, auth, counsellor):
    auth.login(counsellor)
    end_logins()
    fields = {f"goals{n}": "x" * 400_000 for n in range(3)}
    response = client.post("/cases/new", **multipart(fields))
    assert response.headers["Location"].startswith("/login")
    assert parked() == []


def test_parking_is_rate_limited_per_account(app, client, auth, counsellor):
    app.config["PARKING_LIMIT"] = "3 per hour"
    auth.login(counsellor)
    cookie = client.get_cookie("mend_session").value
    end_logins()
    for n in range(5):
        client.set_cookie("mend_session", cookie)  # the ended login's cookie, sent again
        client.post(f"/cases/{n + 1}/safety", data={"note": f"form {n}"})
    assert [dict(form.fields)["note"] for form in parked()] == ["form 0", "form 1", "form 2"]


def test_only_the_newest_forms_of_an_account_are_kept(client, auth, counsellor):
    auth.login(counsellor)
    cookie = client.get_cookie("mend_session").value
    end_logins()
    for n in range(parking.KEEP_PER_ACCOUNT + 2):
        client.set_cookie("mend_session", cookie)
        client.post(f"/cases/{n + 1}/safety", data={"note": f"form {n}"})
    kept = [dict(form.fields)["note"] for form in parked()]
    assert kept == [f"form {n}" for n in range(2, parking.KEEP_PER_ACCOUNT + 2)]


def test_expired_parked_forms_are_purged(client, auth, counsellor):
    auth.login(counsellor)
    login = db.session.scalar(sa.select(LoginSession))
    db.session.add(
        ParkedForm(
            token_hash=hash_token("from the day before yesterday"),
            path="/cases/new",
            fields=[["goals", "old"]],
            login_session_id=login.id,
            created_at=now_utc() - timedelta(days=2),
        )
    )
    db.session.commit()
    end_logins()
    client.post("/cases/new", data={"goals": "new"})
    assert [dict(form.fields)["goals"] for form in parked()] == ["new"]


def test_a_half_filled_safety_screen_comes_back_after_an_idle_timeout(
    csrf_client, counsellor, make_case, go_idle
):
    case = make_case(counsellor)
    url = f"/cases/{case.id}/partners/a/screen"
    csrf_login(csrf_client, counsellor)
    token = form_token(csrf_client, url)
    go_idle()
    note = "She spoke about money first; we stopped when the phone rang."
    response = csrf_client.post(url, data={"csrf_token": token, "q_fear": "yes", "note": note})
    assert response.headers["Location"] == f"/login?next={url}"
    csrf_login(csrf_client, counsellor)
    page = csrf_client.get(url).data.decode()
    assert "This is what you had typed before your login ended." in page
    assert note in page
    assert 'checked class="form-check-input" id="q_fear-1" name="q_fear"' in page  # "yes"
