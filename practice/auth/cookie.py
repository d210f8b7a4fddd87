"""The session cookie, and what it tells about a login that has ended.

The cookie is signed and names the login session it belongs to (Flask-Login keeps
the login's token in it). A login ends after ``MEND_IDLE_MINUTES`` without
activity: that is checked against the age of the cookie's signature. The browser
keeps the cookie longer than that (as long as a login may last at all), so a form
sent after an idle timeout still says which login it came from, and its sender
can have it back after logging in again (see ``practice.parking``).

A form that names no login of this browser may come from another site: the
browser keeps our SameSite=Lax cookie back from such a post. Its answer must not
set a cookie either, or it would log out whoever is logged in.
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from flask import current_app, g, request
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import BadSignature, SignatureExpired

from practice.auth.models import LoginSession, User, hash_token
from practice.database import now_utc
from practice.extensions import db


class SessionCookie(SecureCookieSessionInterface):
    """Flask's signed cookie, kept by the browser for a login's whole lifetime."""

    def get_expiration_time(self, app, session):
        if session.permanent:
            return datetime.now(UTC) + app.config["SESSION_MAX_AGE"]
        return None

    def save_session(self, app, session, response) -> None:
        if g.get("leave_cookie_alone"):
            return
        super().save_session(app, session, response)


def leave_cookie_alone() -> None:
    """Answer this request without setting or deleting the session cookie."""
    g.leave_cookie_alone = True


def ended_login() -> LoginSession | None:
    """The login this request's cookie names, if it is an active user's login that
    has ended: idle, closed on the server, or past its lifetime. None for a request
    without our cookie, with a forged one, or with a login still running."""
    app = current_app._get_current_object()
    raw = request.cookies.get(app.config["SESSION_COOKIE_NAME"])
    serializer = app.session_interface.get_signing_serializer(app)
    if not raw or serializer is None:
        return None
    try:
        data = serializer.loads(raw)
    except BadSignature:
        return None
    token = data.get("_user_id") if isinstance(data, dict) else None
    if not isinstance(token, str):
        return None
    login = db.session.scalar(
        sa.select(LoginSession)
        .join(User)
        .where(LoginSession.token_hash == hash_token(token), User.active.is_(True))
    )
    if login is None:
        return None
    too_old = login.created_at <= now_utc() - app.config["SESSION_MAX_AGE"]
    if login.ended_at is None and not too_old and not _idle(serializer, raw, app):
        return None
    return login


def _idle(serializer, raw: str, app) -> bool:
    # The same clock and limit as Flask's own check when it opened the session.
    try:
        serializer.loads(raw, max_age=int(app.permanent_session_lifetime.total_seconds()))
    except SignatureExpired:
        return True
    return False
