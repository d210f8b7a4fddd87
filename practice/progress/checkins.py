"""When the portal asks a partner for a check-in, by the schedule their counsellor set.

The counsellor sets, per case, how often check-ins are asked: before every session
(the default), before every Nth, or not at all (``CheckInSchedule.every`` 1, N, 0).
Each partner counts their own sessions: the ones they came to since their last
check-in. A partner who has never checked in is asked before their next session
whatever the N, so that there is a first total (the baseline) to compare against.
"""

from collections.abc import Iterable
from datetime import datetime, timedelta

from practice.progress.models import EVERY_SESSION, NOT_SCHEDULED

#: How soon before a session the portal starts asking.
ASK_BEFORE = timedelta(days=3)
#: A session that began this long ago still counts as the next one.
RUNNING_LATE = timedelta(hours=2)


def near(now: datetime, next_session: datetime | None) -> bool:
    """Whether the partner's next session is close enough to ask before it."""
    return next_session is not None and now - RUNNING_LATE <= next_session <= now + ASK_BEFORE


def sessions_since(came: Iterable[datetime], last_check_in: datetime | None) -> int | None:
    """How many of the partner's attended sessions began after their last check-in;
    None when they have never checked in."""
    if last_check_in is None:
        return None
    return sum(1 for starts in came if starts > last_check_in)


def check_in_due(
    now: datetime,
    next_session: datetime | None,
    came_since: int | None,
    every: int = EVERY_SESSION,
) -> bool:
    """Due when a session is near and the schedule asks before it: never when check-ins
    are not scheduled; at once for a partner who has never checked in (``came_since``
    None); otherwise once they have come to ``every`` sessions since their last one."""
    if every == NOT_SCHEDULED or not near(now, next_session):
        return False
    return came_since is None or came_since >= every


def checked_in_since(last_session: datetime | None, last_check_in: datetime | None) -> bool:
    """Whether this session window already has its check-in: one since the last session
    the partner came to (or ever, before their first). Whatever the schedule, a partner
    checks in at most once between two of their sessions."""
    if last_check_in is None:
        return False
    return last_session is None or last_check_in >= last_session


def schedule_words(every: int) -> str:
    """The schedule as a counsellor reads it."""
    if every == NOT_SCHEDULED:
        return "Not scheduled: partners are not asked (you can still enter a check-in)"
    if every == EVERY_SESSION:
        return "Before every session"
    return f"Before every {ORDINALS.get(every, f'{every}th')} session"


ORDINALS = {2: "second", 3: "third", 4: "fourth", 5: "fifth", 6: "sixth"}


def asked_how_often(every: int) -> str:
    """For a client's reminder: "" before every session, else "every third session"."""
    if every in (EVERY_SESSION, NOT_SCHEDULED):
        return ""
    return f"every {ORDINALS.get(every, f'{every}th')} session"
