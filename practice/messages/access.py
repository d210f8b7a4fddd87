"""Finding threads and messages: inside a case already loaded through ``get_case_or_404``
for counsellors, inside ``current_partner()``'s own threads for clients
(``audience.threads_for``). Anything else is a 404.

A thread is named by its slot (``"a"``, ``"b"``, ``"joint"``), never by an id, in
every address: a thread nobody has written in yet reads as an empty one, and the
portal's addresses say nothing a partner could compare with the other's.
"""

import sqlalchemy as sa
from flask import abort
from sqlalchemy.orm import joinedload

from practice import audience
from practice.cases.models import Case, Partner
from practice.extensions import db
from practice.messages import rules
from practice.messages.models import JOINT, Message, MessageThread
from practice.pagination import ListPage, paginate, requested_page

PER_PAGE = 30
#: What the portal's addresses call the two threads a partner reads.
PORTAL_THREADS = ("private", "joint")


def case_thread_or_404(case: Case, slot: str) -> MessageThread:
    """The thread of ``case`` (already access-checked) at ``slot``: as it is, or empty and
    unsaved while nobody has written in it. 404 for a slot the case has not (``"joint"``
    or ``"b"`` for one person)."""
    if slot not in rules.slots(p.position for p in case.partners):
        abort(404)
    thread = db.session.scalar(
        sa.select(MessageThread).where(MessageThread.case_id == case.id, MessageThread.slot == slot)
    )
    return thread or unwritten_thread(case, slot)


def case_message_or_404(case: Case, slot: str, message_id: int) -> Message:
    """A message of the case's thread at ``slot``."""
    message = db.session.scalar(
        sa.select(Message)
        .join(MessageThread, MessageThread.id == Message.thread_id)
        .where(Message.id == message_id, Message.case_id == case.id, MessageThread.slot == slot)
    )
    if message is None:
        abort(404)
    return message


def own_thread_or_404(reader: Partner, which: str) -> MessageThread:
    """The reader's private thread (``"private"``), or their couple's joint one
    (``"joint"``; 404 for one person)."""
    if which == "private":
        slot = reader.position
    elif which == "joint" and reader.case.is_couple:
        slot = JOINT
    else:
        abort(404)
    thread = db.session.scalar(audience.threads_for(reader).where(MessageThread.slot == slot))
    if thread is None:
        return unwritten_thread(reader.case, slot)
    if not audience.may_read(reader, audience.of_thread(thread)):
        abort(404)
    return thread


def unwritten_thread(case: Case, slot: str) -> MessageThread:
    """A thread nobody has written in: shown empty, never added to the database here (the
    first message makes it, see ``services.send_message``)."""
    partner = case.partner(slot) if slot != JOINT else None
    return MessageThread(case_id=case.id, slot=slot, partner_id=partner.id if partner else None)


def messages_page(thread: MessageThread):
    """The page of the thread's messages that ``?page=`` asks for: page 1 is the newest,
    each page read oldest first (the template reverses it)."""
    if thread.id is None:
        if requested_page() != 1:
            abort(404)
        return ListPage([], 1, PER_PAGE, 0)
    return paginate(
        sa.select(Message)
        .where(Message.thread_id == thread.id)
        .options(joinedload(Message.partner), joinedload(Message.author))
        .order_by(Message.id.desc()),
        per_page=PER_PAGE,
    )
