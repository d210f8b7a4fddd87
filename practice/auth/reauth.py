"""Re-entering one's current password before changing the password, the email or
two-factor sign-in.

Whoever holds a stolen session does not know the password, and must not be able
to find it out here. The pages that ask for it are throttled per account, like
the login (``MEND_LOGIN_ACCOUNT_LIMIT``), and ``MAX_WRONG_PASSWORDS`` wrong ones
in one session end that session: logging in again needs the password.
"""

import sqlalchemy as sa
from flask import current_app, flash, redirect, request, session, url_for
from flask_login import current_user, logout_user

from practice import audit
from practice.auth.models import LoginSession, commit_count, hash_token
from practice.database import now_utc
from practice.extensions import db, limiter

MAX_WRONG_PASSWORDS = 5


class WrongPasswords(Exception):
    """Too many wrong passwords were typed in one session."""


def _account_key() -> str:
    who = current_user.id if current_user.is_authenticated else request.remote_addr
    return f"reauth:{who}"


#: For every view that asks for the current password: one allowance per account.
throttled = limiter.shared_limit(
    lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT"],
    scope="reauth",
    methods=["POST"],
    key_func=_account_key,
)


def current_password_ok(field) -> bool:
    """Whether ``field`` holds the current user's password; else the field says so.

    A wrong one is counted against this login session on the server, before the
    answer and whatever it is; the last one allowed raises :class:`WrongPasswords`.
    The session's row is locked first, so parallel tries queue and each is counted.
    """
    login = db.session.scalar(
        sa.select(LoginSession)
        .where(LoginSession.token_hash == hash_token(current_user.login_token))
        .with_for_update()
    )
    if login.ended_at is not None or login.wrong_passwords >= MAX_WRONG_PASSWORDS:
        raise WrongPasswords
    if current_user.check_password(field.data):
        login.wrong_passwords = 0
        return True
    login.wrong_passwords += 1
    commit_count()
    if login.wrong_passwords >= MAX_WRONG_PASSWORDS:
        raise WrongPasswords
    field.errors.append("That is not your current password.")
    return False


def end_session(error: WrongPasswords):
    """End the session in which the password was guessed at, and send it to log in."""
    db.session.execute(
        sa.update(LoginSession)
        .where(LoginSession.token_hash == hash_token(current_user.login_token))
        .values(ended_at=now_utc())
    )
    audit.record("login.end", current_user, reason="wrong current password")
    logout_user()
    session.clear()
    flash(
        "The current password was typed wrongly too many times, so you have been logged "
        "out. Log in again to continue.",
        "warning",
    )
    return redirect(url_for("auth.login"))
