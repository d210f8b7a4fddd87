"""Nothing typed is lost when a login times out.

When a form arrives from a browser whose login has ended (idle timeout, absolute
lifetime, or a CSRF token that died with the session), the form is *parked*:
its fields are kept, encrypted, against a random token held in the new session
cookie and against the login that ended, and the person is sent to log in. After
logging in again as that same person they return to the form's page, which shows
what they had typed with a note to check it and save; nothing is saved on their
behalf. Anyone else who logs in on that browser never sees it.

Only a form whose cookie names an ended login of an active account is parked
(``practice.auth.cookie.ended_login``): a form posted from another site, or by
nobody in particular, is kept nowhere. A parked form lasts a day, and is
forgotten once the page's form is sent successfully. An account keeps a few at
most, each of bounded size, parked at a limited rate.
"""

import json
import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import Flask, current_app, flash, g, redirect, request, session, url_for
from flask_login import current_user
from limits import parse_many
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.datastructures import MultiDict

from practice.auth.cookie import ended_login
from practice.auth.models import LoginSession, User, hash_token
from practice.auth.redirects import safe_next
from practice.crypto import EncryptedJSON
from practice.database import SAFE_METHODS, now_utc
from practice.extensions import db, limiter

KEEP_FOR = timedelta(days=1)
#: The newest forms an account has parked are kept; older ones make room.
KEEP_PER_ACCOUNT = 5
#: What a person types into one form stays far below this (a long note is 100 kB).
MAX_BYTES = 1_000_000
NOT_PARKED = {"csrf_token", "password", "confirm", "current_password"}
SESSION_KEY = "parked_form"


class ParkedForm(db.Model):
    """A form sent after its sender's login ended, waiting for them to log in again."""

    __tablename__ = "parked_forms"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    # The login that ended: only its user ever sees the form again.
    login_session_id: Mapped[int] = mapped_column(sa.ForeignKey("login_sessions.id"), index=True)
    path: Mapped[str] = mapped_column(sa.String(500))
    fields: Mapped[list[list[str]]] = mapped_column(EncryptedJSON)
    created_at: Mapped[datetime] = mapped_column(default=now_utc, index=True)

    login_session: Mapped[LoginSession] = relationship()


def park_and_login():
    """Keep the fields of this POST for the login it came from, which has ended, and
    send the sender to log in: the response to return. None when there is nothing to
    keep or no ended login to keep it for; the caller then answers without it."""
    path = safe_next(request.path)
    fields = [[k, v] for k, v in request.form.items(multi=True) if k not in NOT_PARKED]
    if not path or not fields or request.path == url_for("auth.login"):
        return None
    login = ended_login()
    if login is None or _too_large(fields) or not _within_rate(login.user_id):
        return None
    login.ended_at = login.ended_at or now_utc()
    _make_room(login.user_id)
    token = secrets.token_urlsafe(24)
    db.session.add(
        ParkedForm(token_hash=hash_token(token), login_session=login, path=path, fields=fields)
    )
    session[SESSION_KEY] = token
    g.keep_parked_form = True
    flash(
        "Your login had ended, so nothing was saved yet. Log in again and what you "
        "typed will be back in the form.",
        "warning",
    )
    return redirect(url_for("auth.login", next=path))


def _too_large(fields: list[list[str]]) -> bool:
    return len(json.dumps(fields, ensure_ascii=False).encode()) > MAX_BYTES


def _within_rate(user_id: int) -> bool:
    # In the limiter's storage (Redis when configured), shared by every worker.
    return all(
        limiter.limiter.hit(limit, "parking", str(user_id))
        for limit in parse_many(current_app.config["PARKING_LIMIT"])
    )


def _of_user(user_id: int):
    return sa.select(LoginSession.id).where(LoginSession.user_id == user_id)


def _make_room(user_id: int) -> None:
    """Forget expired forms, and the account's oldest beyond what it may keep."""
    db.session.execute(sa.delete(ParkedForm).where(ParkedForm.created_at <= now_utc() - KEEP_FOR))
    newest = (
        sa.select(ParkedForm.id)
        .where(ParkedForm.login_session_id.in_(_of_user(user_id)))
        .order_by(ParkedForm.id.desc())
        .limit(KEEP_PER_ACCOUNT - 1)
    )
    db.session.execute(
        sa.delete(ParkedForm).where(
            ParkedForm.login_session_id.in_(_of_user(user_id)),
            ParkedForm.id.not_in(newest.scalar_subquery()),
        )
    )


def carry_over(user: User) -> str | None:
    """At login: this browser's parked-form token if the form is ``user``'s own.

    A form someone else parked on this browser is forgotten instead: the next
    person at a shared computer must never see what the last one typed.
    """
    token = session.get(SESSION_KEY)
    if not token:
        return None
    parked = db.session.scalar(
        sa.select(ParkedForm).where(ParkedForm.token_hash == hash_token(token))
    )
    if parked is not None and parked.login_session.user_id == user.id:
        return token
    if parked is not None:
        db.session.delete(parked)
    return None


def restore() -> None:
    """Before a GET: hand the page its parked fields, if this browser parked some here."""
    token = session.get(SESSION_KEY)
    if not token or request.method not in SAFE_METHODS or not current_user.is_authenticated:
        return
    parked = db.session.scalar(
        sa.select(ParkedForm)
        .join(LoginSession)
        .where(
            ParkedForm.token_hash == hash_token(token),
            ParkedForm.path == request.path,
            ParkedForm.created_at > now_utc() - KEEP_FOR,
            LoginSession.user_id == current_user.id,
        )
    )
    if parked is not None:
        g.parked_formdata = MultiDict(parked.fields)
        flash("This is what you had typed before your login ended. Check it, then save.", "info")


def forget_after_success(response):
    """After a successful POST to the page a form was parked for, forget the parked copy.

    Only that page's POST: the login in between must leave the token in place.
    """
    token = session.get(SESSION_KEY)
    if (
        token
        and request.method == "POST"
        and response.status_code < 400
        and not g.get("keep_parked_form")
    ):
        forgotten = db.session.execute(
            sa.delete(ParkedForm).where(
                ParkedForm.token_hash == hash_token(token), ParkedForm.path == request.path
            )
        )
        if forgotten.rowcount:
            session.pop(SESSION_KEY, None)
    return response


def init_parking(app: Flask) -> None:
    """Attach the hooks. Call it after the commit hook is registered: after_request hooks
    run last-registered first, and this one must run before the request commits."""
    app.before_request(restore)
    app.after_request(forget_after_success)
