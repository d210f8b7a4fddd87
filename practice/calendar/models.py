"""Repeating sessions, the private calendar feeds of counsellors and clients, and clients'
requests to move or cancel a session."""

from datetime import date, datetime, time

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from practice.auth.models import User
from practice.cases.models import Case, Partner
from practice.columns import case_fk, intpk, partner_fk, timestamp, unique_token, user_fk
from practice.crypto import EncryptedText
from practice.database import enum_type
from practice.extensions import db
from practice.sessions.models import Session
from practice.vocabulary import Labelled

#: How many weeks apart the sessions of a series are, as the counsellor says it.
REPEATS = {1: "Every week", 2: "Every other week"}


class SessionSeries(db.Model):
    """Sessions at the same local time every week or fortnight, up to an end.

    Each occurrence is a :class:`~practice.sessions.models.Session` row made when
    the series is set up (linked by a :class:`SeriesOccurrence`), so one of them
    can be moved or cancelled on its own (an exception) and the rest stay as
    they were. A series always ends: on a date, or after a number of sessions.
    """

    __tablename__ = "session_series"
    __table_args__ = (
        sa.CheckConstraint("every_weeks IN (1, 2)", name="every_weeks"),
        sa.CheckConstraint("until IS NOT NULL OR count IS NOT NULL", name="has_end"),
    )

    id: Mapped[intpk]
    case_id: Mapped[case_fk] = mapped_column(index=True)
    counsellor_id: Mapped[user_fk]
    every_weeks: Mapped[int]
    first_day: Mapped[date]
    # The wall-clock time in ``timezone`` that every occurrence keeps, across DST.
    start_time: Mapped[time]
    duration_minutes: Mapped[int]
    timezone: Mapped[str] = mapped_column(sa.String(64))
    until: Mapped[date | None]
    count: Mapped[int | None]
    created_by_id: Mapped[user_fk]
    created_at: Mapped[timestamp]
    # Set when the counsellor stops the series before its planned end.
    ended_on: Mapped[date | None]
    form_token: Mapped[unique_token | None]

    case: Mapped[Case] = relationship()
    counsellor: Mapped[User] = relationship(foreign_keys="SessionSeries.counsellor_id")

    @property
    def repeat_label(self) -> str:
        return REPEATS[self.every_weeks]


class SeriesOccurrence(db.Model):
    """The ``number``-th session of a series.

    A table of its own rather than a column on ``sessions``: SQLite cannot add
    a reference to ``sessions`` and take it away again while notes point at it.
    """

    __tablename__ = "series_occurrences"
    __table_args__ = (sa.UniqueConstraint("series_id", "number"),)

    session_id: Mapped[int] = mapped_column(sa.ForeignKey("sessions.id"), primary_key=True)
    series_id: Mapped[int] = mapped_column(sa.ForeignKey("session_series.id"))
    number: Mapped[int]

    session: Mapped[Session] = relationship()
    series: Mapped[SessionSeries] = relationship()


class CalendarFeed(db.Model):
    """A private iCalendar address: a counsellor's diary, or one partner's appointments.

    The address carries a random token; only its SHA-256 is kept, so it is shown
    once, when made. Revoking it (or making a new one) stops it at once.
    """

    __tablename__ = "calendar_feeds"
    __table_args__ = (
        sa.CheckConstraint("(user_id IS NULL) <> (partner_id IS NULL)", name="one_holder"),
    )

    id: Mapped[intpk]
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    # A counsellor's feed names its user; a client's feed names the partner.
    user_id: Mapped[user_fk | None] = mapped_column(index=True)
    partner_id: Mapped[partner_fk | None] = mapped_column(index=True)
    # The counsellor's choice to show couples' names to whoever can read the calendar.
    show_names: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[timestamp]
    revoked_at: Mapped[datetime | None]

    user: Mapped[User | None] = relationship()
    partner: Mapped[Partner | None] = relationship()

    @property
    def case_id(self) -> int | None:
        """For the audit trail: a client's feed belongs to their case."""
        return self.partner.case_id if self.partner is not None else None


class RequestKind(Labelled):
    CANCEL = "cancel", "Cancel"
    MOVE = "move", "Move"


class RequestStatus(Labelled):
    PENDING = "pending", "Waiting for the counsellor"
    SUGGESTED = "suggested", "Another time suggested"
    ACCEPTED = "accepted", "Done"
    DECLINED = "declined", "Declined"
    WITHDRAWN = "withdrawn", "Withdrawn"
    OVERTAKEN = "overtaken", "Overtaken by a change to the session"


#: A request still waiting for an answer, from the counsellor or from the client.
OPEN_REQUEST = (RequestStatus.PENDING, RequestStatus.SUGGESTED)


class SessionRequest(db.Model):
    """A partner's request to move or cancel one of their sessions, and how it was answered.

    The request, its reason and the counsellor's reply belong to the partner who asked
    and the counsellor; only what happens to the session (moved, cancelled) reaches
    the other partner of a joint session, as any change does. A partner has one open
    request per session at a time: ``open_key`` is set while it is open and unique.
    """

    __tablename__ = "session_requests"

    id: Mapped[intpk]
    case_id: Mapped[case_fk] = mapped_column(index=True)
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("sessions.id"), index=True)
    partner_id: Mapped[partner_fk]
    kind: Mapped[RequestKind] = mapped_column(enum_type(RequestKind, "request_kind"))
    status: Mapped[RequestStatus] = mapped_column(
        enum_type(RequestStatus, "request_status"), default=RequestStatus.PENDING
    )
    # The partner's own words, for the counsellor (optional).
    reason: Mapped[str | None] = mapped_column(EncryptedText)
    # For a move: the starts (UTC, ISO 8601) the partner could come instead, best first.
    preferred: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    # Sent inside the practice's notice period (PracticeSettings.cancellation_notice_hours).
    late: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[timestamp]
    answered_at: Mapped[datetime | None]
    answered_by_id: Mapped[user_fk | None]
    # The counsellor's words to the partner who asked, with a refusal or a suggestion.
    reply: Mapped[str | None] = mapped_column(EncryptedText)
    # The start the counsellor suggested instead; kept if the partner turns it down.
    suggested_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    open_key: Mapped[str | None] = mapped_column(sa.String(40), unique=True)
    form_token: Mapped[unique_token | None]

    session: Mapped[Session] = relationship()
    partner: Mapped[Partner] = relationship()
    answered_by: Mapped[User | None] = relationship()

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_REQUEST

    @property
    def preferred_starts(self) -> list[datetime]:
        return [datetime.fromisoformat(text) for text in self.preferred or ()]

    @property
    def suggestion_turned_down(self) -> bool:
        """The partner could not take the time suggested; the counsellor answers again."""
        return self.status is RequestStatus.PENDING and self.suggested_at is not None
