"""Whom to ask for a check-in, and before which session: each partner by their own sessions.

A partner is asked before the next session that is with them, when the case's
check-in schedule says so (``practice.progress.checkins``): by default when they
have not checked in since the last session they came to. The other partner's
individual sessions count for nothing here: one partner's session alone must not
set the other's portal asking, nor send them a reminder (see ``practice.audience``).
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from practice import audience
from practice.cases.models import Partner
from practice.extensions import db
from practice.progress.checkins import (
    RUNNING_LATE,
    check_in_due,
    checked_in_since,
    sessions_since,
)
from practice.progress.models import EVERY_SESSION, CheckIn, CheckInSchedule
from practice.sessions.models import Session, SessionStatus


@dataclass(frozen=True)
class CheckInAsk:
    """A partner to ask for a check-in before ``session``."""

    partner: Partner
    session: Session
    every: int = EVERY_SESSION  # the case's schedule: before every session, or every Nth


def check_ins_to_ask(partners: list[Partner], now: datetime, upcoming: list[Session]) -> list:
    """The partners (of the cases of ``upcoming``) to ask now, each before their own session.

    ``upcoming``: the scheduled sessions of those cases from ``now - RUNNING_LATE`` on,
    soonest first. Three queries, whatever the number of partners.
    """
    case_ids = {p.case_id for p in partners}
    if not case_ids:
        return []
    attended = db.session.scalars(
        sa.select(Session)
        .where(Session.case_id.in_(case_ids), Session.status == SessionStatus.ATTENDED)
        .order_by(Session.starts_at)
    ).all()
    checked_in = dict(
        db.session.execute(
            sa.select(CheckIn.partner_id, sa.func.max(CheckIn.completed_at))
            .where(CheckIn.partner_id.in_([p.id for p in partners]))
            .group_by(CheckIn.partner_id)
        ).all()
    )
    schedules = schedule_of(case_ids)
    asks = []
    for partner in partners:
        mine = [s for s in upcoming if s.case_id == partner.case_id]
        following = audience.sessions_for(partner, mine)
        came = audience.handout_sessions(
            partner, (s for s in attended if s.case_id == partner.case_id)
        )
        since = sessions_since(
            (_aware(s.starts_at) for s in came), _aware(checked_in.get(partner.id))
        )
        every = schedules.get(partner.case_id, EVERY_SESSION)
        if following and check_in_due(now, following[0].starts_at, since, every):
            asks.append(CheckInAsk(partner, following[0], every))
    return asks


def schedule_of(case_ids) -> dict[int, int]:
    """{case id: how often check-ins are asked} for the cases that set it (others: every
    session)."""
    return dict(
        db.session.execute(
            sa.select(CheckInSchedule.case_id, CheckInSchedule.every).where(
                CheckInSchedule.case_id.in_(case_ids)
            )
        ).all()
    )


def upcoming_sessions(case_ids, now: datetime, within: timedelta) -> list[Session]:
    """Scheduled sessions of these cases from a little before ``now`` to ``within`` ahead."""
    return list(
        db.session.scalars(
            sa.select(Session)
            .where(
                Session.case_id.in_(case_ids),
                Session.status == SessionStatus.SCHEDULED,
                Session.starts_at >= now - RUNNING_LATE,
                Session.starts_at <= now + within,
            )
            .order_by(Session.starts_at, Session.id)
        )
    )


def _aware(moment: datetime | None) -> datetime | None:
    """Aggregates skip the column type, so SQLite hands back naive UTC."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)


def check_in_this_window(partner: Partner, *, lock: bool = False) -> CheckIn | None:
    """The partner's check-in of this session window, if they have made it: one since
    the last session with them that they came to. A partner checks in once per window.

    ``lock``: hold the partner's row until the request commits, so that two check-ins
    sent at once (two tabs, a retry) are decided one after the other.
    """
    if lock:
        db.session.execute(sa.select(Partner.id).where(Partner.id == partner.id).with_for_update())
    latest = db.session.scalar(
        sa.select(CheckIn)
        .where(CheckIn.partner_id == partner.id)
        .order_by(CheckIn.completed_at.desc(), CheckIn.id.desc())
        .limit(1)
    )
    if latest is None:
        return None
    attended = db.session.scalars(
        sa.select(Session)
        .where(Session.case_id == partner.case_id, Session.status == SessionStatus.ATTENDED)
        .order_by(Session.starts_at.desc())
    )
    came = next(iter(audience.handout_sessions(partner, attended)), None)
    last = came.starts_at if came else None
    return latest if checked_in_since(last, _aware(latest.completed_at)) else None
