"""Readings of homework adherence over time, for an objective's status.

Plain functions over dates. Adherence is counted as ``practice.homework.adherence``
counts it (each period of the cadence expects its target; the period still
running counts what has been done so far); here it is taken for all of one
person's homework together, as it stood at the end of each week since the
first homework began, and today.
"""

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from practice.homework.adherence import HomeworkSchedule
from practice.plans.status import Reading


@dataclass(frozen=True)
class HomeworkLine:
    """One piece of homework as one person keeps it: its schedule and entry days.

    The schedule ends on the due date, or the day the homework was withdrawn.
    """

    schedule: HomeworkSchedule
    days: tuple[date, ...] = field(default=())


def reading_days(first: date, today: date) -> list[date]:
    """The end of each whole week since ``first`` (its seventh day), then ``today``."""
    if first > today:
        return []
    weekly = [first + timedelta(days=n) for n in range(6, (today - first).days, 7)]
    return [*weekly, today]


def adherence_readings(lines: Sequence[HomeworkLine], today: date) -> list[Reading]:
    """Per cent of the entries expected that were made, for ``lines`` together, on each of
    :func:`reading_days`; a day on which nothing was expected yet gives no reading."""
    if not lines:
        return []
    counted = [_counted(line, today) for line in lines]
    readings = []
    for day in reading_days(min(line.schedule.start for line in lines), today):
        made = expected = 0
        for spans in counted:
            for start, end, target, days in spans:
                if start > day:
                    break
                if end < day:
                    done = min(bisect_right(days, end) - bisect_right(days, start - ONE), target)
                    made, expected = made + done, expected + target
                else:  # the period running on ``day``: what was done by then
                    done = min(bisect_right(days, day) - bisect_right(days, start - ONE), target)
                    made, expected = made + done, expected + done
        if expected:
            readings.append(Reading(day, round(100 * made / expected, 1)))
    return readings


ONE = timedelta(days=1)


def _counted(line: HomeworkLine, today: date) -> list[tuple[date, date, int, list[date]]]:
    days = line.schedule.days_within(line.days)
    return [(p.start, p.end, p.target, days) for p in line.schedule.periods(today)]
