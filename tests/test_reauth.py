"""Re-entering the current password: a stolen session cannot guess it (issue 17)."""

import pytest
import redis
import sqlalchemy as sa

from practice.audit.models import AuditEvent
from practice.auth.models import LoginSession
from practice.auth.reauth import MAX_WRONG_PASSWORDS
from practice.extensions import db
from tests.conftest import PASSWORD

WRONG = {
    "/account/password": {
        "current_password": "a guess",
        "password": "a new long password",
        "confirm": "a new long password",
    },
    "/account/email": {"email": "new@example.org", "current_password": "a guess"},
}


@pytest.mark.parametrize("url", list(WRONG))
def test_wrong_passwords_end_the_session(client, auth, counsellor, url):
    auth.login(counsellor)
    for _ in range(MAX_WRONG_PASSWORDS - 1):
        assert client.post(url, data=WRONG[url]).status_code == 400
    last = client.post(url, data=WRONG[url])
    assert last.headers["Location"].startswith("/login")
    assert client.get("/dashboard").status_code == 302  # logged out
    login = db.session.scalar(sa.select(LoginSession))
    assert login.ended_at is not None  # on the server too: the cookie is worth nothing now
    ended = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "login.end"))
    assert ended.actor_id == counsellor.id


def test_the_right_password_starts_the_count_again(app, client, auth, counsellor):
    app.config["LOGIN_LIMIT_PER_ACCOUNT"] = "100 per minute"  # the count alone, here
    auth.login(counsellor)
    url = "/account/email"
    for _ in range(MAX_WRONG_PASSWORDS - 1):
        assert client.post(url, data=WRONG[url]).status_code == 400
    right = {"email": "casey.new@example.org", "current_password": PASSWORD}
    assert client.post(url, data=right).status_code == 302
    for _ in range(MAX_WRONG_PASSWORDS - 1):
        assert client.post(url, data=WRONG[url]).status_code == 400
    assert client.get("/dashboard").status_code == 200


def test_password_reentry_is_throttled_per_account(app, counsellor):
    browsers = [app.test_client() for _ in range(2)]
    for browser in browsers:
        browser.post("/login", data={"email": counsellor.email, "password": PASSWORD})
    statuses = [
        browser.post(url, data=WRONG[url]).status_code
        for browser in browsers
        for url in WRONG
        for _ in range(2)
    ]
    assert statuses[:5] == [400] * 5
    assert statuses[5:] == [429] * 3


def test_reentry_throttling_is_shared_through_redis(config_class, make_app, redis_url, counsellor):
    """Two app processes behind one Redis count the account's tries together."""
    store = redis.Redis.from_url(redis_url)
    store.flushdb()
    shared = type("RedisConfig", (config_class,), {"RATELIMIT_STORAGE_URI": redis_url})
    workers = [make_app(shared).test_client() for _ in range(2)]
    for worker in workers:
        worker.post("/login", data={"email": counsellor.email, "password": PASSWORD})
    url = "/account/email"
    statuses = [workers[n % 2].post(url, data=WRONG[url]).status_code for n in range(6)]
    assert statuses == [400] * 5 + [429]
    assert list(store.scan_iter("*reauth*"))  # the count is in Redis
