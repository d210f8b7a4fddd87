"""Reminders sent to clients, one row each, and the kinds of email a client has turned off."""

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from practice.columns import case_fk, intpk, partner_fk, timestamp
from practice.database import enum_type
from practice.extensions import db
from practice.vocabulary import Labelled


class ReminderKind(Labelled):
    """A kind of reminder, labelled as a client reads it where they turn it on or off."""

    APPOINTMENT = "appointment", "A reminder the day before each session"
    HOMEWORK = "homework", "A reminder the day before homework is due"
    CHECK_IN = "check-in", "A request to check in a few days before a session, when asked"
    # Not a reminder that falls due: the email saying a new secure message waits
    # (practice.messages.notices). It is turned off here with the others.
    MESSAGE = "message", "An email when a new message waits for you (it never holds the message)"


class ReminderStatus(enum.StrEnum):
    SENDING = "sending"  # claimed by a run that has not yet recorded the outcome
    SENT = "sent"  # handed to the mail server, or left in the outbox without SMTP
    FAILED = "failed"  # tried and failed; a later run tries again, a few times


class Reminder(db.Model):
    """One reminder to one partner about one thing at one moment.

    ``key`` names all four (kind, object, recipient, due moment) and is unique,
    so however often ``send-reminders`` runs, and however many run at once,
    each reminder is claimed once. A moved session has a new moment, so it
    gets a new reminder.
    """

    __tablename__ = "reminders"

    id: Mapped[intpk]
    key: Mapped[str] = mapped_column(sa.String(160), unique=True)
    kind: Mapped[ReminderKind] = mapped_column(enum_type(ReminderKind, "reminder_kind"))
    case_id: Mapped[case_fk] = mapped_column(index=True)
    partner_id: Mapped[partner_fk]
    # The session or assignment it is about.
    object_id: Mapped[int]
    status: Mapped[ReminderStatus] = mapped_column(
        enum_type(ReminderStatus, "reminder_status"), default=ReminderStatus.SENDING
    )
    attempts: Mapped[int] = mapped_column(default=1)
    claimed_at: Mapped[timestamp]
    sent_at: Mapped[datetime | None]
    error: Mapped[str | None] = mapped_column(sa.String(500))
    email_id: Mapped[int | None] = mapped_column(sa.ForeignKey("outbound_emails.id"))


class ReminderOptOut(db.Model):
    """A kind of reminder a partner has turned off in the portal."""

    __tablename__ = "reminder_opt_outs"

    partner_id: Mapped[partner_fk] = mapped_column(primary_key=True)
    kind: Mapped[ReminderKind] = mapped_column(
        enum_type(ReminderKind, "reminder_kind"), primary_key=True
    )
    created_at: Mapped[timestamp]
