"""Request plumbing shared by every blueprint.

One place commits: :func:`commit_request` runs after every view. Views and
services only ``flush()``; a response below 400 commits the request's work, a
4xx rolls it back, and an exception never reaches a commit at all.
"""

import re
from datetime import date, datetime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import flask
from flask import Flask, Response, current_app, g, render_template, request, url_for
from markupsafe import Markup, escape
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.utils import cached_property

from practice.admin.models import PracticeSettings
from practice.audit import pending_events
from practice.database import SAFE_METHODS, begin_writing_audit
from practice.extensions import db
from practice.words import greeting_name, plural

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
    """Nothing is loaded eagerly; settings are read on first use (see :func:`settings`)."""
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


def settings() -> PracticeSettings:
    """The practice settings, read once per request."""
    if "practice_settings" not in g:
        try:
            g.practice_settings = PracticeSettings.get()
        except SQLAlchemyError:
            # An error page must render even when the database is what failed.
            db.session.rollback()
            g.practice_settings = PracticeSettings(name="Mend", timezone="UTC")
    return g.practice_settings


def practice_zone() -> ZoneInfo:
    try:
        return ZoneInfo(settings().timezone)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def local(value: datetime) -> datetime:
    """``value`` in the practice's time zone."""
    return value.astimezone(practice_zone())


def format_datetime(value: datetime | None) -> str:
    """A moment as the practice reads it: "3 Mar 2026, 14:30"."""
    if value is None:
        return ""
    value = local(value)
    return f"{value.day} {value:%b %Y, %H:%M}"


def format_date(value: date | datetime | None) -> str:
    """A day as the practice reads it: "3 Mar 2026"."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = local(value)
    return f"{value.day} {value:%b %Y}"


def format_spoken(value: datetime | date | str | None) -> str:
    """A moment or a day in words, in the practice's time zone, the way a person says it:
    "Tuesday 17 November 2026 at 15:00", "Tuesday 17 November 2026".

    Also takes the ISO text of an export (``2026-11-17T20:00:00+00:00``), so that a
    document printed from one reads the same as a page.
    """
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)
    if isinstance(value, datetime):
        value = local(value)
        return f"{value:%A} {value.day} {value:%B %Y} at {value:%H:%M}"
    return f"{value:%A} {value.day} {value:%B %Y}"


def format_clock(value: datetime | None) -> str:
    """The time of day of a moment, as the practice's clocks show it: "14:30"."""
    return "" if value is None else f"{local(value):%H:%M}"


def paragraphs(text: str | None) -> Markup:
    """Plain text as escaped paragraphs, keeping the writer's line breaks."""
    if not text:
        return Markup("")
    blocks = [b.strip() for b in text.replace("\r\n", "\n").split("\n\n") if b.strip()]
    return Markup("").join(
        Markup("<p>{}</p>").format(Markup("<br>").join(escape(line) for line in b.split("\n")))
        for b in blocks
    )


def form_page(template: str, form, **context):
    """Render a form page: 400 when a submitted form has errors, 200 otherwise."""
    status = 400 if form.errors else 200
    return render_template(template, form=form, **context), status


def safe_next(target: str | None) -> str | None:
    """``target`` if it is a path on this site, else None (no open redirects)."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or "\\" in target:
        return None
    return target


#: Top navigation for counsellors and the owner, shown once the blueprint exists.
COUNSELLOR_NAV = [
    ("cases.caseload_list", "Cases", "cases."),
    ("calendar.week", "Calendar", "calendar."),
    ("catalogue.index", "Catalogue", "catalogue."),
]
#: Extra tabs on the owner's Practice pages.
ADMIN_NAV = [("admin.outbox", "Outbox")]


def nav_link(endpoint: str, label: str, prefix: str | None = None) -> Markup:
    """A navigation link, marked current when the page belongs to its section."""
    active = request.endpoint == endpoint or bool(
        prefix and request.endpoint and request.endpoint.startswith(prefix)
    )
    return Markup('<li class="nav-item"><a class="nav-link{}" href="{}"{}>{}</a></li>').format(
        " active" if active else "",
        url_for(endpoint),
        Markup(' aria-current="page"') if active else "",
        label,
    )


def template_helpers(app: Flask) -> None:
    app.jinja_env.filters["datetime"] = format_datetime
    app.jinja_env.filters["date"] = format_date
    app.jinja_env.filters["spoken"] = format_spoken
    app.jinja_env.filters["clock"] = format_clock
    app.jinja_env.filters["paragraphs"] = paragraphs
    app.jinja_env.filters["plural"] = plural
    app.jinja_env.filters["greeting_name"] = greeting_name

    def extra_nav():
        return [
            nav_link(endpoint, label, prefix)
            for endpoint, label, prefix in COUNSELLOR_NAV
            if endpoint in app.view_functions
        ]

    def admin_extra_nav():
        return [(e, label) for e, label in ADMIN_NAV if e in app.view_functions]

    app.jinja_env.globals.update(
        practice_settings=settings,
        nav_link=nav_link,
        extra_nav=extra_nav,
        admin_extra_nav=admin_extra_nav,
    )
