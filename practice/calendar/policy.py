"""The practice's cancellation policy as plain values: how much notice it asks for, in words,
and whether a change asked for (or made) now comes late."""

from datetime import datetime, timedelta

#: The most notice a practice may ask for: two weeks.
MAX_NOTICE_HOURS = 336


def is_late(starts_at: datetime, now: datetime, notice_hours: int) -> bool:
    """Whether asking at ``now`` to cancel or move a session starting at ``starts_at`` comes
    inside the practice's notice period."""
    return starts_at - now < timedelta(hours=notice_hours)


def notice_words(notice_hours: int) -> str:
    """The notice in words, as the policy is shown: "24 hours’ notice", "1 hour’s notice"."""
    if notice_hours == 1:
        return "1 hour’s notice"
    if notice_hours and notice_hours % 24 == 0 and notice_hours > 24:
        return f"{notice_hours // 24} days’ notice"
    return f"{notice_hours} hours’ notice"
