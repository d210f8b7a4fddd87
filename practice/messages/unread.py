"""How many messages wait for a reader: in a thread, in a list of threads, across a
caseload (the dashboard) and in a partner's portal (the navigation's badge).

A message waits for a reader when someone else wrote it after the last message
the reader had when they last opened the thread (``ThreadRead``). Each count is
one statement, however many threads or messages there are.
"""

import sqlalchemy as sa
from sqlalchemy.orm import with_expression

from practice import audience
from practice.auth.models import User
from practice.cases.models import Case, Partner
from practice.extensions import db
from practice.messages.models import Message, MessageThread, ThreadRead


def _waiting(user_id: int, thread_id) -> sa.ColumnElement[bool]:
    """The condition on ``Message`` (in the thread ``thread_id`` names) of waiting for the user.

    The reader's mark is looked up for the message's own thread, so that the lookup is
    tied to the row being counted (correlated), whatever encloses it."""
    last_read = (
        sa.select(ThreadRead.last_read_id)
        .where(ThreadRead.thread_id == Message.thread_id, ThreadRead.user_id == user_id)
        .scalar_subquery()
    )
    return sa.and_(
        Message.thread_id == thread_id,
        Message.author_id != user_id,
        Message.id > sa.func.coalesce(last_read, 0),
    )


def unread_in(thread: MessageThread, reader: User) -> int:
    """How many messages of ``thread`` wait for ``reader``."""
    return db.session.scalar(
        sa.select(sa.func.count(Message.id)).where(_waiting(reader.id, thread.id))
    )


def with_unread(reader: User):
    """A loader option filling ``MessageThread.unread`` for ``reader``, in the same statement."""
    count = (
        sa.select(sa.func.count(Message.id))
        .where(_waiting(reader.id, MessageThread.id))
        .correlate(MessageThread)
        .scalar_subquery()
    )
    return with_expression(MessageThread.unread, count)


def unread_for_counsellor(counsellor: User) -> int:
    """Messages waiting for ``counsellor`` across their caseload, open and closed cases alike."""
    return db.session.scalar(
        sa.select(sa.func.count(Message.id))
        .join(Case, Case.id == Message.case_id)
        .outerjoin(
            ThreadRead,
            sa.and_(ThreadRead.thread_id == Message.thread_id, ThreadRead.user_id == counsellor.id),
        )
        .where(
            Case.counsellor_id == counsellor.id,
            Message.author_id != counsellor.id,
            Message.id > sa.func.coalesce(ThreadRead.last_read_id, 0),
        )
    )


def unread_in_portal(reader: Partner) -> int:
    """Messages waiting for a partner in the threads they read (``audience.threads_for``):
    their own private thread and the joint one, never the other partner's."""
    if reader.user_id is None:
        return 0
    theirs = audience.threads_for(reader).with_only_columns(MessageThread.id)
    return db.session.scalar(
        sa.select(sa.func.count(Message.id))
        .outerjoin(
            ThreadRead,
            sa.and_(
                ThreadRead.thread_id == Message.thread_id, ThreadRead.user_id == reader.user_id
            ),
        )
        .where(
            Message.thread_id.in_(theirs),
            Message.author_id != reader.user_id,
            Message.id > sa.func.coalesce(ThreadRead.last_read_id, 0),
        )
    )
