"""When sessions fall: plain functions over dates, wall-clock times and time zones.

A series keeps its local wall-clock time: 17:00 in London is 17:00 in January
and in July, though it is 17:00 UTC in one and 16:00 UTC in the other. So each
occurrence is worked out from its own local date, never by adding weeks to a
UTC moment.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from practice.dates import LocalTimeError, local_to_utc
from practice.problems import FieldProblem

#: The most sessions one series may hold, about a year of weekly sessions.
MAX_OCCURRENCES = 52


class ScheduleError(FieldProblem):
    """A schedule that cannot be kept, with the reason in the counsellor's words.

    ``field`` names the form field the reason belongs beside; by default, none
    (``"form"``: the form as a whole).
    """

    def __init__(self, message: str, field: str = "form"):
        super().__init__(field, message)


def zone_named(name: str) -> ZoneInfo:
    """The time zone called ``name``; a clear refusal when there is none by that name."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ScheduleError(
            f"The practice's time zone “{name}” is not one Mend knows, so times cannot be "
            "placed. The practice owner can correct it in Practice settings "
            "(for example Europe/London)."
        ) from exc


def week_start(day: date) -> date:
    """The Monday of ``day``'s week."""
    return day - timedelta(days=day.weekday())


def day_bounds(first: date, last: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """The UTC moments at which local ``first`` begins and local ``last`` ends."""

    def midnight(day: date) -> datetime:
        return datetime.combine(day, time(), tzinfo=zone).astimezone(UTC)

    return midnight(first), midnight(last + timedelta(days=1))


def occurrence_days(
    first: date, every_weeks: int, until: date | None, count: int | None
) -> list[date]:
    """The dates of a series: every ``every_weeks`` weeks from ``first``, up to its end."""
    if until is None and count is None:
        raise ScheduleError(
            "A repeating session needs an end: give the date of the last one, "
            "or how many sessions to book.",
            "until",
        )
    if until is not None and until < first:
        raise ScheduleError(
            f"The series would end ({_day(until)}) before its first session ({_day(first)}).",
            "until",
        )
    if count is not None and count < 2:
        raise ScheduleError(
            "A series has at least 2 sessions; for one, choose “Does not repeat”.", "count"
        )
    days: list[date] = []
    day = first
    while (until is None or day <= until) and (count is None or len(days) < count):
        if len(days) == MAX_OCCURRENCES:
            raise ScheduleError(
                f"A series holds at most {MAX_OCCURRENCES} sessions; choose an earlier end "
                "and set up another series later.",
                "until",
            )
        days.append(day)
        day += timedelta(weeks=every_weeks)
    if len(days) < 2:
        raise ScheduleError(
            "That end leaves only one session; choose a later end, or “Does not repeat”.",
            "until",
        )
    return days


@dataclass(frozen=True)
class Slot:
    """One session's place in time: its local date and its UTC start and end."""

    day: date
    starts_at: datetime
    ends_at: datetime


def slot(day: date, start: time, end: time, zone: ZoneInfo) -> Slot:
    """The UTC start and end of a session on local ``day`` from ``start`` to ``end``.

    Refuses an end that is not after the start, and a time the clocks skip or
    repeat that day (the message names the day).
    """
    if end <= start:
        raise ScheduleError(
            f"The end ({end:%H:%M}) must be after the start ({start:%H:%M}) on the same day.",
            "end",
        )
    moments = []
    for field, clock in (("start", start), ("end", end)):
        try:
            moments.append(local_to_utc(day, clock, zone))
        except LocalTimeError as exc:
            raise ScheduleError(str(exc), field) from exc
    return Slot(day, *moments)


def series_slots(days: list[date], start: time, end: time, zone: ZoneInfo) -> list[Slot]:
    """The slots of a series, each at the same local time on its own day."""
    return [slot(day, start, end, zone) for day in days]


def _day(day: date) -> str:
    return f"{day.day} {day:%b %Y}"
