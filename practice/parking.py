"""Nothing typed is lost when a login times out.

When a form arrives from a browser whose login has ended (idle timeout, absolute
lifetime, or a CSRF token that died with the session), the form is *parked*:
its fields are kept, encrypted, against a random token held in the new session
cookie, and the person is sent to log in. After logging in they return to the
form's page, which shows what they had typed with a note to check it and save;
nothing is saved on their behalf. A parked form lasts a day, and is forgotten
once the page's form is sent successfully.
"""

import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import Flask, flash, g, redirect, request, session, url_for
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.datastructures import MultiDict

from practice.auth.models import hash_token
from practice.crypto import EncryptedJSON
from practice.database import SAFE_METHODS, now_utc
from practice.extensions import db
from practice.web import safe_next

KEEP_FOR = timedelta(days=1)
NOT_PARKED = {"csrf_token", "password", "confirm", "current_password"}
SESSION_KEY = "parked_form"


class ParkedForm(db.Model):
    """A form sent after its sender's login ended, waiting for them to log in again."""

    __tablename__ = "parked_forms"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    path: Mapped[str] = mapped_column(sa.String(500))
    fields: Mapped[list[list[str]]] = mapped_column(EncryptedJSON)
    created_at: Mapped[datetime] = mapped_column(default=now_utc)


def park_and_login():
    """Keep the fields of this POST and send the sender to log in; the response to return."""
    path = safe_next(request.path)
    fields = [[k, v] for k, v in request.form.items(multi=True) if k not in NOT_PARKED]
    if path and fields and request.path != url_for("auth.login"):
        token = secrets.token_urlsafe(24)
        db.session.add(ParkedForm(token_hash=hash_token(token), path=path, fields=fields))
        session[SESSION_KEY] = token
        g.keep_parked_form = True
        flash(
            "Your login had ended, so nothing was saved yet. Log in again and what you "
            "typed will be back in the form.",
            "warning",
        )
    return redirect(url_for("auth.login", next=path or None))


def restore() -> None:
    """Before a GET: hand the page its parked fields, if this browser parked some here."""
    token = session.get(SESSION_KEY)
    if not token or request.method not in SAFE_METHODS:
        return
    parked = db.session.scalar(
        sa.select(ParkedForm).where(
            ParkedForm.token_hash == hash_token(token),
            ParkedForm.path == request.path,
            ParkedForm.created_at > now_utc() - KEEP_FOR,
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
