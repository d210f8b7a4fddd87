"""Days as the practice counts them: "today" is today in the practice's time zone."""

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from practice.database import now_utc
from practice.web import practice_zone


def practice_today() -> date:
    return now_utc().astimezone(practice_zone()).date()


def practice_now() -> datetime:
    return now_utc().astimezone(practice_zone())


class LocalTimeError(ValueError):
    """A wall-clock time the practice's time zone skips or repeats that day."""


def local_to_utc(day: date, clock: time, zone: ZoneInfo | None = None) -> datetime:
    """The UTC moment of ``day`` at ``clock`` in ``zone`` (default: the practice's).

    Refuses, with a message for the person who typed it, a time that does not
    exist (the hour the clocks skip) or exists twice (the hour they repeat).
    """
    zone = zone or practice_zone()
    naive = datetime.combine(day, clock)
    first = naive.replace(tzinfo=zone, fold=0)
    second = naive.replace(tzinfo=zone, fold=1)
    if first.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != naive:
        raise LocalTimeError(
            f"{clock:%H:%M} does not exist on {day.day} {day:%b %Y}: the clocks go forward then. "
            "Choose a time an hour later or earlier."
        )
    if first.utcoffset() != second.utcoffset():
        raise LocalTimeError(
            f"{clock:%H:%M} happens twice on {day.day} {day:%b %Y}, as the clocks go back. "
            "Choose a time outside that hour."
        )
    return first.astimezone(UTC)


def utc_to_local(moment: datetime) -> datetime:
    return moment.astimezone(practice_zone())
