"""Private iCalendar (RFC 5545) feeds: their tokens, and the calendars they serve.

A feed address ends in a random token that works without a login, because
calendar apps cannot log in; only the token's SHA-256 is stored. A feed shows
times in UTC (every calendar app converts them), and never a note: a
counsellor's feed names each couple by a case number unless the counsellor
chooses to show names; a client's feed holds the sessions of their own case
that they are expected at, a video session with its link (a counsellor's feed
says only "by video": whoever reads their calendar need not have the room).
"""

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import url_for
from icalendar import Calendar, Event
from sqlalchemy.orm import joinedload

from practice import audience
from practice.auth.models import User, hash_token
from practice.calendar.models import CalendarFeed
from practice.cases.models import Case, Partner
from practice.database import now_utc
from practice.extensions import db
from practice.sessions.models import Session, SessionStatus

#: How far back and ahead a feed reaches.
PAST = timedelta(days=90)
AHEAD = timedelta(days=400)


def _holder(user: User | None, partner: Partner | None):
    if user is not None:
        return CalendarFeed.user_id == user.id
    return CalendarFeed.partner_id == partner.id


def active_feed(*, user: User | None = None, partner: Partner | None = None):
    """The feed of a counsellor or a partner that still works, if there is one."""
    return db.session.scalar(
        sa.select(CalendarFeed).where(_holder(user, partner), CalendarFeed.revoked_at.is_(None))
    )


def revoke_feeds(*, user: User | None = None, partner: Partner | None = None) -> int:
    """Stop every working feed of the holder at once; how many were stopped."""
    result = db.session.execute(
        sa.update(CalendarFeed)
        .where(_holder(user, partner), CalendarFeed.revoked_at.is_(None))
        .values(revoked_at=now_utc())
    )
    return result.rowcount


def issue_feed(
    *, user: User | None = None, partner: Partner | None = None, show_names: bool = False
) -> tuple[CalendarFeed, str]:
    """A new feed for the holder (any earlier one stops working) and its secret token."""
    revoke_feeds(user=user, partner=partner)
    token = secrets.token_urlsafe(32)
    feed = CalendarFeed(
        token_hash=hash_token(token), user=user, partner=partner, show_names=show_names
    )
    db.session.add(feed)
    db.session.flush()
    return feed, token


def find_feed(token: str) -> CalendarFeed | None:
    """The working feed the token opens; None if it is unknown, revoked or its holder gone."""
    feed = db.session.scalar(
        sa.select(CalendarFeed)
        .where(CalendarFeed.token_hash == hash_token(token), CalendarFeed.revoked_at.is_(None))
        .options(
            joinedload(CalendarFeed.user),
            joinedload(CalendarFeed.partner).joinedload(Partner.user),
            joinedload(CalendarFeed.partner).joinedload(Partner.case).joinedload(Case.counsellor),
        )
    )
    if feed is None:
        return None
    holder = feed.user if feed.user is not None else feed.partner.user
    if holder is None or not holder.active:
        return None
    return feed


def feed_sessions(feed: CalendarFeed, now: datetime) -> list[Session]:
    """The sessions a feed shows: from three months back to a year and more ahead."""
    query = (
        sa.select(Session)
        .where(Session.starts_at >= now - PAST, Session.starts_at < now + AHEAD)
        .options(joinedload(Session.case), joinedload(Session.counsellor))
        .order_by(Session.starts_at)
    )
    if feed.user is not None:
        return list(db.session.scalars(query.where(Session.counsellor_id == feed.user_id)))
    partner = feed.partner
    found = db.session.scalars(query.where(Session.case_id == partner.case_id))
    return audience.sessions_for(partner, found)


@dataclass(frozen=True)
class FeedEvent:
    """One session as a calendar app receives it: plain values, nothing clinical."""

    uid: str
    starts_at: datetime
    ends_at: datetime
    summary: str
    cancelled: bool
    sequence: int
    url: str = ""
    location: str = ""
    video_link: str = ""


STATUS_PREFIX = {SessionStatus.CANCELLED: "Cancelled: ", SessionStatus.NO_SHOW: "No-show: "}


def counsellor_summary(session: Session, show_names: bool) -> str:
    who = session.case.label if show_names else f"Case {session.case_id}"
    return f"{STATUS_PREFIX.get(session.status, '')}Session: {who}"


def client_summary(session: Session, practice_name: str) -> str:
    prefix = "Cancelled: " if session.status is SessionStatus.CANCELLED else ""
    return f"{prefix}Counselling with {session.counsellor.name} ({practice_name})"


def build_calendar(name: str, events: list[FeedEvent], now: datetime) -> bytes:
    """An RFC 5545 calendar of ``events``, times in UTC."""
    calendar = Calendar()
    calendar.add("prodid", "-//Mend//Practice calendar//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    # Ask calendar apps to look again every hour (most honour one or the other).
    calendar.add("refresh-interval", timedelta(hours=1), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT1H")
    for item in events:
        event = Event()
        event.add("uid", item.uid)
        event.add("dtstamp", now)
        event.add("dtstart", item.starts_at)
        event.add("dtend", item.ends_at)
        event.add("summary", item.summary)
        event.add("status", "CANCELLED" if item.cancelled else "CONFIRMED")
        event.add("sequence", item.sequence)
        event.add("transp", "TRANSPARENT" if item.cancelled else "OPAQUE")
        if item.url:
            event.add("url", item.url)
        described = [f"Join by video: {item.video_link}"] if item.video_link else []
        described += [f"Open in Mend: {item.url}"] if item.url else []
        if described:
            event.add("description", "\n".join(described))
        if item.location:
            event.add("location", item.location)
        calendar.add_component(event)
    return calendar.to_ical()


def feed_addresses(token: str) -> dict[str, str]:
    """The feed's https address, and the webcal:// one that calendar apps open directly."""
    address = url_for("calendar.feed", token=token, _external=True)
    return {"address": address, "webcal": "webcal://" + address.split("://", 1)[1]}
