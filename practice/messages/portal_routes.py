"""A partner's secure messages in the portal: their private thread with the counsellor, and
the couple's joint thread.

Reached only through ``current_partner()`` and ``audience.threads_for``: the other
partner's private thread has no address here at all. Every partner of every case
has the same pages and links, whatever the case's records hold; a message sent
while safety concerns are recorded goes where any other does.
"""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user

from practice import audience
from practice.auth.access import client_required
from practice.extensions import db
from practice.messages import access, rules
from practice.messages.forms import MessageForm
from practice.messages.models import JOINT, MessageThread
from practice.messages.thread_pages import page_read, send_from
from practice.messages.unread import with_unread
from practice.portal.access import current_partner

bp = Blueprint("portal_messages", __name__)

WHICH = "<any(private, joint):which>"


@bp.get("/messages/")
@client_required
def index():
    """The partner's threads: with their counsellor alone, and with their partner too."""
    partner = current_partner()
    written = {
        t.slot: t
        for t in db.session.scalars(
            audience.threads_for(partner).options(with_unread(current_user))
        )
    }
    threads = [
        (which, written.get(slot))
        for which, slot in (("private", partner.position), ("joint", JOINT))
        if slot != JOINT or partner.case.is_couple
    ]
    return render_template(
        "messages/portal_index.html",
        partner=partner,
        threads=threads,
        other=audience.other_partner(partner),
    )


@bp.route(f"/messages/{WHICH}", methods=["GET", "POST"])
@client_required
def thread(which: str):
    """One of the partner's threads: reading it marks it read for them; writing adds a message."""
    partner = current_partner()
    case = partner.case
    thread = access.own_thread_or_404(partner, which)
    form = MessageForm()
    refused = rules.closed(case.status.value)
    if form.is_submitted() and refused:
        form.refuse(refused)
        return _page(partner, which, thread, form, refused), 409
    if form.validate_on_submit() and send_from(
        form, case, thread, partner=partner, thread=which, by="client"
    ):
        flash(SENT[which], "success")
        return redirect(url_for("portal_messages.thread", which=which, _anchor="latest"))
    status = 400 if form.errors else 200
    return _page(partner, which, thread, form, refused, mark=status == 200), status


#: What the partner is told once a message is sent: who will read it, and no more.
SENT = {
    "private": "Sent. Only your counsellor will read it.",
    "joint": "Sent to your counsellor and your partner.",
}


def _page(partner, which: str, thread: MessageThread, form, refused, *, mark=False) -> str:
    return render_template(
        "messages/portal_thread.html",
        partner=partner,
        which=which,
        thread=thread,
        page=page_read(thread, mark=mark, thread=which, by="client"),
        form=form,
        refused=refused,
        other=audience.other_partner(partner),
    )
