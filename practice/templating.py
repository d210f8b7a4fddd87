"""What templates get besides their context: filters and the navigation."""

from flask import Flask, g, request, url_for
from markupsafe import Markup, escape

from practice.dates import format_clock, format_date, format_datetime, format_spoken
from practice.messages.unread import unread_in_portal
from practice.settings import practice_settings
from practice.words import greeting_name, plural


def paragraphs(text: str | None) -> Markup:
    """Plain text as escaped paragraphs, keeping the writer's line breaks."""
    if not text:
        return Markup("")
    blocks = [b.strip() for b in text.replace("\r\n", "\n").split("\n\n") if b.strip()]
    return Markup("").join(
        Markup("<p>{}</p>").format(Markup("<br>").join(escape(line) for line in b.split("\n")))
        for b in blocks
    )


#: Top navigation for counsellors and the owner, shown once the blueprint exists.
COUNSELLOR_NAV = [
    ("cases.caseload_list", "Cases", "cases."),
    ("calendar.week", "Calendar", "calendar."),
    ("catalogue.index", "Catalogue", "catalogue."),
    ("messages.inbox", "Messages", "messages."),
]
#: Extra tabs on the owner's Practice pages.
ADMIN_NAV = [
    ("admin.outbox", "Outbox"),
    ("admin_intake.index", "Intake form"),
    ("admin_consent.index", "Consent documents"),
    ("billing_practice.services", "Services and fees"),
    ("billing_practice.settings", "Billing"),
    ("billing_practice.report", "Income and balances"),
]


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


def waiting_messages(partner) -> int:
    """How many messages wait for the partner signed in: asked once per request, however
    many places of the page show it."""
    if "waiting_messages" not in g:
        g.waiting_messages = unread_in_portal(partner)
    return g.waiting_messages


def portal_messages_link(partner) -> Markup:
    """The portal's Messages tab, with how many messages wait for the partner."""
    count = waiting_messages(partner)
    label = (
        Markup(
            'Messages <span class="badge rounded-pill text-bg-light">{}'
            '<span class="visually-hidden"> new</span></span>'
        ).format(count)
        if count
        else "Messages"
    )
    return nav_link("portal_messages.index", label, "portal_messages.")


def register(app: Flask) -> None:
    """Give every template the date and text filters, the navigation and the settings."""
    filters = {
        "datetime": format_datetime,
        "date": format_date,
        "spoken": format_spoken,
        "clock": format_clock,
        "paragraphs": paragraphs,
        "plural": plural,
        "greeting_name": greeting_name,
    }
    for name, function in filters.items():
        app.add_template_filter(function, name)

    def extra_nav():
        return [
            nav_link(endpoint, label, prefix)
            for endpoint, label, prefix in COUNSELLOR_NAV
            if endpoint in app.view_functions
        ]

    def admin_extra_nav():
        return [(e, label) for e, label in ADMIN_NAV if e in app.view_functions]

    # Each is known to templates by its own name.
    for function in (
        practice_settings,
        nav_link,
        extra_nav,
        admin_extra_nav,
        portal_messages_link,
        waiting_messages,
    ):
        app.add_template_global(function)
