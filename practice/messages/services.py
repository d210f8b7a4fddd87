"""Sending, reading and keeping secure messages; services over plain values.

Services ``flush()`` and never commit; they raise :class:`~practice.messages.rules.Problem`
for input that breaks a rule, which the view places beside its field.
"""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from practice.auth.models import User
from practice.cases.models import Case, Partner
from practice.extensions import db
from practice.idempotency import add_once, create_once
from practice.messages import notices, rules
from practice.messages.models import JOINT, Message, MessageThread, ThreadRead
from practice.messages.rules import Problem


def thread_of(case: Case, slot: str) -> MessageThread | None:
    """The case's thread at ``slot``, once its first message made it."""
    return db.session.scalar(
        sa.select(MessageThread).where(MessageThread.case_id == case.id, MessageThread.slot == slot)
    )


def send_message(
    case: Case,
    slot: str,
    text: str,
    *,
    author: User,
    partner: Partner | None,
    now: datetime,
    form_token: str | None = None,
    notify: bool = True,
) -> tuple[Message, bool]:
    """Add a message by ``author`` (the counsellor, or ``partner``) to the thread at ``slot``.

    Refused with :class:`Problem` once the case is closed, and for an empty or
    overlong message. The same form sent twice makes one message. Returns the
    message and whether this call made it; a new one tells its readers by email
    (:mod:`practice.messages.notices`) unless ``notify`` is off.
    """
    if slot not in rules.slots(p.position for p in case.partners):
        raise ValueError(f"case {case.id} has no thread {slot!r}")
    if reason := rules.closed(case.status.value):
        raise Problem("body", reason)
    body = rules.clean_body(text)
    thread = _thread(case, slot, now)
    message, created = create_once(
        Message, form_token, lambda: _new_message(thread, body, author, partner, now)
    )
    if created:
        thread.last_message_at = now
        mark_read(thread, author, now, up_to=message.id)
        if notify:
            notices.tell_readers(case, thread, partner)
    return message, created


def _new_message(thread, body, author, partner, now) -> Message:
    message = Message(
        thread_id=thread.id,
        case_id=thread.case_id,
        author_id=author.id,
        partner_id=partner.id if partner else None,
        body=body,
        sent_at=now,
    )
    db.session.add(message)
    return message


def _thread(case: Case, slot: str, now: datetime) -> MessageThread:
    """The thread at ``slot``, made now if this is its first message."""
    thread = thread_of(case, slot)
    if thread is not None:
        return thread
    partner = case.partner(slot) if slot != JOINT else None
    thread = MessageThread(
        case_id=case.id, slot=slot, partner_id=partner.id if partner else None, created_at=now
    )
    # Its first message may have been sent by someone else a moment ago.
    thread, _ = add_once(thread, lambda: thread_of(case, slot))
    return thread


def mark_read(thread: MessageThread, reader: User, now: datetime, up_to: int | None = None) -> None:
    """``reader`` has read ``thread`` up to the message ``up_to`` (default: its latest).

    Idempotent, and never backwards: a page read in an older tab keeps what a newer
    one marked."""
    if up_to is None:
        up_to = db.session.scalar(
            sa.select(sa.func.max(Message.id)).where(Message.thread_id == thread.id)
        )
        if up_to is None:
            return
    read = db.session.get(ThreadRead, (thread.id, reader.id))
    if read is not None:
        if read.last_read_id < up_to:
            read.last_read_id, read.read_at = up_to, now
        return
    try:
        with db.session.begin_nested():
            db.session.add(
                ThreadRead(thread_id=thread.id, user_id=reader.id, last_read_id=up_to, read_at=now)
            )
            db.session.flush()
    except IntegrityError:  # the same reader in another tab, a moment ago
        read = db.session.get(ThreadRead, (thread.id, reader.id), populate_existing=True)
        if read is not None and read.last_read_id < up_to:
            read.last_read_id, read.read_at = up_to, now


def add_to_record(message: Message, by: User, now: datetime) -> bool:
    """Put ``message`` in the case record, for good; False if it already was."""
    if message.recorded_at is not None:
        return False
    message.recorded_at, message.recorded_by_id = now, by.id
    db.session.flush()
    return True
