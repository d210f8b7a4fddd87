"""The email that says a new message waits: to the thread's readers, and nothing more.

It never holds the message, nor who wrote it, nor which thread it is in: email
is read on shared screens and phones, and a partner's private thread must not
show in a notice the other partner might see. It goes only to those who read the
thread (never to its writer), once while messages wait unread for them, and not
to a partner who turned these emails off in the portal (Appointments, "Reminders
by email"). The outbox row names no case.
"""

from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import current_app, render_template

from practice import mail
from practice.cases.models import Case, Partner
from practice.extensions import db
from practice.messages import rules
from practice.messages.models import MessageThread
from practice.messages.unread import unread_in
from practice.reminders.due import address
from practice.reminders.models import ReminderKind, ReminderOptOut
from practice.settings import practice_settings

#: The outbox's names for the two emails: they say as little as the emails do.
TO_PARTNER = "message-waiting"
TO_COUNSELLOR = "message-for-counsellor"


def tell_readers(case: Case, thread: MessageThread, writer: Partner | None) -> None:
    """Email whoever reads ``thread`` (but its writer) that a message waits for them."""
    counsellor_told, positions = rules.told(thread.slot, writer.position if writer else None)
    counsellor = case.counsellor
    if counsellor_told and counsellor.active and rules.tell_now(unread_in(thread, counsellor) - 1):
        _tell_counsellor(counsellor)
    partners = [case.partner(position) for position in sorted(positions)]
    partners = [p for p in partners if p is not None and p.user is not None and p.user.active]
    off = _turned_off({p.id for p in partners})
    for partner in partners:
        to = address(partner)
        if partner.id in off or not to:
            continue
        if rules.tell_now(unread_in(thread, partner.user) - 1):
            _tell_partner(partner, to)


def _turned_off(partner_ids: set[int]) -> set[int]:
    if not partner_ids:
        return set()
    return set(
        db.session.scalars(
            sa.select(ReminderOptOut.partner_id).where(
                ReminderOptOut.partner_id.in_(partner_ids),
                ReminderOptOut.kind == ReminderKind.MESSAGE,
            )
        )
    )


def _tell_partner(partner: Partner, to: str) -> None:
    body = render_template(
        "mail/message_waiting.txt",
        first_name=partner.first_name,
        practice=practice_settings(),
        link=_link("portal_messages.index"),
    )
    mail.send(TO_PARTNER, to, "A new message in your portal", body)


def _tell_counsellor(counsellor) -> None:
    body = render_template(
        "mail/message_for_counsellor.txt",
        counsellor=counsellor,
        practice=practice_settings(),
        link=_link("messages.inbox"),
    )
    mail.send(TO_COUNSELLOR, counsellor.email, "A client sent you a message", body)


def _link(endpoint: str) -> str:
    """An address built from MEND_BASE_URL: the same from a request or a command, and never
    from a request's Host header. Built from the URL map alone, so that nothing of the
    request around it (its context, its rate limits) is touched."""
    base = urlsplit(current_app.config["BASE_URL"])
    adapter = current_app.url_map.bind(
        base.netloc, script_name=base.path or "/", url_scheme=base.scheme or "https"
    )
    return adapter.build(endpoint, {}, force_external=True)
