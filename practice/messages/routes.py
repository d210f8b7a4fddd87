"""A counsellor's secure messages: the inbox across the caseload, and each case's threads,
loaded through ``get_case_or_404``."""

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy.orm import joinedload

from practice import audit
from practice.auth.access import counsellor_required
from practice.cases.access import caseload, get_case_or_404
from practice.cases.models import Case
from practice.database import now_utc
from practice.extensions import db
from practice.messages import access, rules
from practice.messages.forms import MessageForm
from practice.messages.models import MessageThread
from practice.messages.services import add_to_record
from practice.messages.thread_pages import page_read, send_from
from practice.messages.unread import with_unread
from practice.pagination import paginate

bp = Blueprint("messages", __name__)

SLOT = "<any(a, b, joint):slot>"


@bp.get("/messages/")
@counsellor_required
def inbox():
    """Every thread of the counsellor's caseload that has messages, latest first, with how
    many wait unread."""
    page = paginate(
        sa.select(MessageThread)
        .where(MessageThread.case_id.in_(caseload().with_only_columns(Case.id)))
        .options(
            joinedload(MessageThread.case).selectinload(Case.partners), with_unread(current_user)
        )
        .order_by(MessageThread.last_message_at.desc(), MessageThread.id.desc()),
        per_page=25,
    )
    return render_template("messages/inbox.html", page=page, name=_name)


@bp.get("/cases/<int:case_id>/messages/")
@counsellor_required
def case_threads(case_id: int):
    """The case's threads: each partner's private one, and the couple's joint one."""
    case = get_case_or_404(case_id)
    written = {
        t.slot: t
        for t in db.session.scalars(
            sa.select(MessageThread)
            .where(MessageThread.case_id == case.id)
            .options(with_unread(current_user))
        )
    }
    threads = [
        written.get(slot) or access.unwritten_thread(case, slot)
        for slot in rules.slots(p.position for p in case.partners)
    ]
    return render_template("messages/case_threads.html", case=case, threads=threads, name=_name)


@bp.route(f"/cases/<int:case_id>/messages/{SLOT}", methods=["GET", "POST"])
@counsellor_required
def thread(case_id: int, slot: str):
    """One thread: reading it marks it read for the counsellor; writing adds a message."""
    case = get_case_or_404(case_id)
    thread = access.case_thread_or_404(case, slot)
    form = MessageForm()
    refused = rules.closed(case.status.value)
    if form.is_submitted() and refused:
        form.refuse(refused)
        return _page(case, thread, form, refused), 409
    if form.validate_on_submit() and send_from(form, case, thread, partner=None, thread=slot):
        flash("Your message is sent.", "success")
        return redirect(url_for("messages.thread", case_id=case.id, slot=slot, _anchor="latest"))
    status = 400 if form.errors else 200
    return _page(case, thread, form, refused, mark=status == 200), status


def _page(case: Case, thread: MessageThread, form, refused: str | None, *, mark=False) -> str:
    readers = case.partners if thread.is_joint else [case.partner(thread.slot)]
    return render_template(
        "messages/thread.html",
        case=case,
        thread=thread,
        page=page_read(thread, mark=mark, thread=thread.slot),
        form=form,
        refused=refused,
        name=_name,
        waiting_to_join=[p for p in readers if not p.has_portal],
    )


@bp.post(f"/cases/<int:case_id>/messages/{SLOT}/<int:message_id>/record")
@counsellor_required
def record(case_id: int, slot: str, message_id: int):
    """Add a message to the case record, for good: it is then listed with the session notes."""
    case = get_case_or_404(case_id)
    message = access.case_message_or_404(case, slot, message_id)
    if add_to_record(message, current_user, now_utc()):
        audit.record("message.record", message, thread=slot)
        flash("Added to the case record: it is listed on the Sessions page.", "success")
    else:
        flash("That message was already in the case record.", "info")
    return redirect(
        url_for("messages.thread", case_id=case.id, slot=slot, _anchor=f"m{message.id}")
    )


def _name(case: Case, slot: str) -> str:
    """What a thread is called on the counsellor's pages: "Alex, privately"."""
    return rules.thread_name(slot, {p.position: p.first_name for p in case.partners})
