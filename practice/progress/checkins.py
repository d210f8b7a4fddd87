"""When the portal asks a partner for a check-in."""

from datetime import datetime, timedelta

#: How soon before a session the portal starts asking.
ASK_BEFORE = timedelta(days=3)


def check_in_due(
    now: datetime,
    next_session: datetime | None,
    last_session: datetime | None,
    last_check_in: datetime | None,
) -> bool:
    """Due when a session is near and the partner has not checked in since the last one."""
    if next_session is None or not now - timedelta(hours=2) <= next_session <= now + ASK_BEFORE:
        return False
    if last_check_in is None:
        return True
    return last_session is not None and last_check_in < last_session


def checked_in_since(last_session: datetime | None, last_check_in: datetime | None) -> bool:
    """Whether this session window already has its check-in: one since the last session
    the partner came to (or ever, before their first). The converse of "due" above."""
    if last_check_in is None:
        return False
    return last_session is None or last_check_in >= last_session
