"""Messages in records: the ones a counsellor added to the case record, and a partner's own
threads in the record they download.

The case record lists messages with the session notes (the Sessions page), where the
counsellor reads the course of the work; a partner's record holds their private thread
and the joint one, never the other partner's private thread (``audience.threads_for``).
"""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from practice import audience
from practice.cases.models import Case, Partner
from practice.dates import local
from practice.extensions import db
from practice.messages.models import Message, MessageThread


def recorded_messages(case: Case) -> list[Message]:
    """The messages of ``case`` its counsellor added to the record, oldest first."""
    return db.session.scalars(
        sa.select(Message)
        .where(Message.case_id == case.id, Message.recorded_at.is_not(None))
        .options(
            joinedload(Message.thread), joinedload(Message.partner), joinedload(Message.author)
        )
        .order_by(Message.sent_at, Message.id)
    ).all()


def partner_messages(reader: Partner) -> dict[str, list[dict]]:
    """The reader's threads as plain data (JSON-ready): ``private`` and ``joint``, each
    message with who wrote it, when, and what it says."""
    threads = {t.id: t for t in db.session.scalars(audience.threads_for(reader))}
    kept: dict[str, list[dict]] = {"private": [], "joint": []}
    if not threads:
        return kept
    messages = db.session.scalars(
        sa.select(Message)
        .where(Message.thread_id.in_(list(threads)))
        .options(joinedload(Message.partner), joinedload(Message.author))
        .order_by(Message.id)
    )
    for m in messages:
        thread: MessageThread = threads[m.thread_id]
        kept["joint" if thread.is_joint else "private"].append(
            {"from": _writer(m, reader), "sent_at": _when(m.sent_at), "text": m.body}
        )
    return kept


def _writer(message: Message, reader: Partner) -> str:
    if message.partner_id == reader.id:
        return "you"
    if message.partner is not None:
        return message.partner.name
    return f"{message.author.name} (counsellor)"


def _when(moment: datetime) -> str:
    return local(moment).isoformat(timespec="seconds")
