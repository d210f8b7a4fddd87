"""What happens around every request: input cleaned, work committed, headers set.

One place commits: :func:`commit_request` runs after every view. Views and
services only ``flush()``; a response below 400 commits the request's work, a
4xx rolls it back, and an exception never reaches a commit at all.
"""

import re

import flask
from flask import Response, current_app, g, request
from werkzeug.utils import cached_property

from practice.audit import pending_events
from practice.database import SAFE_METHODS, begin_writing_audit
from practice.extensions import db

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


#: C0 control characters other than tab, newline and carriage return.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class Request(flask.Request):
    """A request whose form fields and query values carry no control characters.

    Nobody types a NUL or a bell; they arrive from pasted binary or from probing.
    PostgreSQL cannot store a NUL in text at all, and PDFs and calendar feeds choke
    on the others, so they are taken out where input enters, once for every view.
    """

    def _load_form_data(self) -> None:
        super()._load_form_data()
        self.__dict__["form"] = self._without_controls(self.__dict__["form"])

    @cached_property
    def args(self):
        return self._without_controls(flask.Request.args.fget(self))

    def _without_controls(self, values):
        return self.parameter_storage_class(
            (CONTROL_CHARACTERS.sub("", key), CONTROL_CHARACTERS.sub("", value))
            for key, value in values.items(multi=True)
        )


def start_request() -> None:
    """Nothing is loaded eagerly; settings are read on first use
    (``practice.settings.practice_settings``)."""
    g.audit_events = []


def commit_request(response: Response) -> Response:
    """Commit the request's work if it succeeded; always keep its audit events."""
    events = pending_events()
    succeeded = response.status_code < 400
    if succeeded and request.method not in SAFE_METHODS:
        db.session.add_all(events)
        db.session.commit()
        return response
    if succeeded:
        db.session.commit()
    else:
        db.session.rollback()
    if events:
        # A read, or a refused change: its events go in a transaction of their own.
        begin_writing_audit()
        db.session.add_all(events)
        db.session.commit()
    return response


def security_headers(response: Response) -> Response:
    """Headers every response carries; see docs/security.md."""
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CSP)
    headers["X-Content-Type-Options"] = "nosniff"
    headers["X-Frame-Options"] = "DENY"
    headers["Referrer-Policy"] = "same-origin"
    headers["Cross-Origin-Opener-Policy"] = "same-origin"
    headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
    if current_app.config.get("HSTS"):
        headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    if request.endpoint != "static":
        # Clinical pages are not kept in shared or browser caches.
        headers.setdefault("Cache-Control", "no-store")
    return response
