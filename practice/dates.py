"""Days and moments as the practice counts them, in the practice's time zone.

"Today" is today where the practice is; every moment Mend stores is UTC and is
shown, printed and mailed in the zone the owner set (``practice.settings``).
"""

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from practice.database import now_utc
from practice.settings import practice_settings


def practice_zone() -> ZoneInfo:
    """The practice's time zone; UTC when the one set is unknown to this machine."""
    try:
        return ZoneInfo(practice_settings().timezone)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def local(value: datetime) -> datetime:
    """``value`` in the practice's time zone."""
    return value.astimezone(practice_zone())


def practice_today() -> date:
    """Today where the practice is."""
    return local(now_utc()).date()


def practice_now() -> datetime:
    """Now, on the practice's clocks."""
    return local(now_utc())


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


def format_datetime(value: datetime | None) -> str:
    """A moment as the practice reads it: "3 Mar 2026, 14:30"."""
    if value is None:
        return ""
    value = local(value)
    return f"{value.day} {value:%b %Y, %H:%M}"


def format_date(value: date | datetime | None) -> str:
    """A day as the practice reads it: "3 Mar 2026"."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = local(value)
    return f"{value.day} {value:%b %Y}"


def format_spoken(value: datetime | date | str | None) -> str:
    """A moment or a day in words, in the practice's time zone, the way a person says it:
    "Tuesday 17 November 2026 at 15:00", "Tuesday 17 November 2026".

    Also takes the ISO text of an export (``2026-11-17T20:00:00+00:00``), so that a
    document printed from one reads the same as a page.
    """
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)
    if isinstance(value, datetime):
        value = local(value)
        return f"{value:%A} {value.day} {value:%B %Y} at {value:%H:%M}"
    return f"{value:%A} {value.day} {value:%B %Y}"


def format_clock(value: datetime | None) -> str:
    """The time of day of a moment, as the practice's clocks show it: "14:30"."""
    return "" if value is None else f"{local(value):%H:%M}"
