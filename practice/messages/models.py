"""Threads of messages in a case, the messages themselves, and how far each reader has read.

A case has up to three threads, each named by its ``slot``: ``"a"`` and ``"b"``,
each partner's private thread with the counsellor, and ``"joint"``, both partners
with the counsellor (a couple only). A thread is made with its first message.
Who may read a thread is decided in ``practice.audience.of_thread``.

Messages are clinical records: their text is encrypted at rest, and once sent a
message never changes and is never deleted (``practice.messages.locks`` keeps it
so in the database). The one thing that may happen to it later, once, is being
added to the case record by the counsellor.
"""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, query_expression, relationship

from practice.auth.models import User
from practice.cases.models import Case, Partner
from practice.columns import case_fk, intpk, partner_fk, timestamp, unique_token, user_fk
from practice.crypto import EncryptedText
from practice.extensions import db
from practice.messages.rules import JOINT

SLOTS = ("a", "b", JOINT)


class MessageThread(db.Model):
    """One conversation of a case: a partner's private one, or the couple's joint one."""

    __tablename__ = "message_threads"
    __table_args__ = (sa.UniqueConstraint("case_id", "slot"),)

    id: Mapped[intpk]
    case_id: Mapped[case_fk]
    # "a" or "b": that partner's private thread; "joint": both partners'.
    slot: Mapped[str] = mapped_column(sa.String(5))
    # The partner of a private thread (none for the joint one): while it has a thread,
    # a partner cannot be taken off the case and replaced by someone who would read it.
    partner_id: Mapped[partner_fk | None]
    created_at: Mapped[timestamp]
    last_message_at: Mapped[datetime | None] = mapped_column(index=True)

    case: Mapped[Case] = relationship()
    partner: Mapped[Partner | None] = relationship()
    # How many messages wait for the reader a list was loaded for
    # (practice.messages.unread.with_unread); None when it was not asked.
    unread: Mapped[int | None] = query_expression()

    def __repr__(self) -> str:
        return f"<MessageThread {self.id} {self.slot} of case {self.case_id}>"

    @property
    def is_joint(self) -> bool:
        return self.slot == JOINT


class Message(db.Model):
    """One message in a thread, by the counsellor or a partner."""

    __tablename__ = "messages"
    __table_args__ = (sa.Index("ix_messages_thread_id_id", "thread_id", "id"),)

    id: Mapped[intpk]
    thread_id: Mapped[int] = mapped_column(sa.ForeignKey("message_threads.id"))
    case_id: Mapped[case_fk] = mapped_column(index=True)
    author_id: Mapped[user_fk]
    # The partner who wrote it; None: the counsellor.
    partner_id: Mapped[partner_fk | None]
    body: Mapped[str] = mapped_column(EncryptedText)
    sent_at: Mapped[timestamp]
    form_token: Mapped[unique_token | None]
    # Added to the case record by the counsellor (once, for good); shown with the notes.
    recorded_at: Mapped[datetime | None]
    recorded_by_id: Mapped[user_fk | None]

    thread: Mapped[MessageThread] = relationship()
    author: Mapped[User] = relationship(foreign_keys="Message.author_id")
    partner: Mapped[Partner | None] = relationship()

    def __repr__(self) -> str:
        return f"<Message {self.id} in thread {self.thread_id}>"

    @property
    def by_counsellor(self) -> bool:
        return self.partner_id is None

    @property
    def in_record(self) -> bool:
        return self.recorded_at is not None


class ThreadRead(db.Model):
    """How far one reader has read one thread: every message up to ``last_read_id``."""

    __tablename__ = "message_reads"

    thread_id: Mapped[int] = mapped_column(sa.ForeignKey("message_threads.id"), primary_key=True)
    user_id: Mapped[user_fk] = mapped_column(primary_key=True, index=True)
    last_read_id: Mapped[int] = mapped_column(default=0)
    read_at: Mapped[timestamp]
