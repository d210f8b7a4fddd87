"""Homework adherence: entries made against entries the cadence expects.

A :class:`HomeworkSchedule` names what every rule here works from: a cadence and
a span of days. It is a plain value, tested without a database. An assignment's
time, from its start to its due date, is cut into periods by its cadence: a day
for "daily", a week (counted from the start date) for "weekly" and "n times a week",
a month for "monthly", and the whole span for "once". Each period has a target
(1, or n for "n times a week"). Entries in a period count up to its target, so
extra entries one week do not make up for a missed one. Periods that have ended
are expected in full; the current period counts what has been done so far, so
doing the homework early never lowers the figure.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, timedelta


@dataclass(frozen=True)
class CadencePeriod:
    """One stretch of an assignment's cadence (a day, a week, a month) and its target."""

    start: date
    end: date  # inclusive
    target: int

    def __contains__(self, day: date) -> bool:
        return self.start <= day <= self.end


@dataclass(frozen=True)
class Adherence:
    made: int  # entries that count, capped per period
    expected: int  # entries the cadence expects up to today
    current: CadencePeriod | None  # the period today falls in, if any
    done_current: int  # entries made in the current period
    missed_periods: int  # ended periods whose target was not met
    last_entry: date | None

    @property
    def rate(self) -> float | None:
        """Made over expected, 0–1; None while nothing is expected yet."""
        return self.made / self.expected if self.expected else None

    @property
    def percent(self) -> int | None:
        return None if self.rate is None else round(self.rate * 100)

    @property
    def current_done(self) -> bool:
        return self.current is not None and self.done_current >= self.current.target


def percent_kept(made: int, expected: int) -> int | None:
    """Entries made as a whole percentage of those expected; None while none are expected.

    For a span of time (a period of sessions, an interval between them); an
    assignment's own :attr:`Adherence.percent` is worked from its rate.
    """
    return round(100 * made / expected) if expected else None


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class HomeworkSchedule:
    """When a piece of homework is to be done: its cadence, from its start to its end.

    ``per_week`` is the target of an "n times a week" cadence (ignored for the
    others); ``end`` is the due date, or the day it was withdrawn (None:
    open-ended). A plain value: the rules below need no database.
    """

    cadence: str
    per_week: int | None
    start: date
    end: date | None

    def ended_by(self, day: date) -> HomeworkSchedule:
        """The same schedule stopped at ``day`` if it would run later (homework withdrawn)."""
        return replace(self, end=min(self.end, day) if self.end else day)

    def periods(self, until: date, first_index: int = 0) -> list[CadencePeriod]:
        """The cadence's periods from the start to the earlier of the end and ``until``.

        ``until`` is usually today. The last period returned may still be running
        on ``until``. ``first_index`` skips the periods before it (they are
        numbered from 0 at the start).
        """
        cadence, start, end = self.cadence, self.start, self.end
        last = min(end, until) if end else until
        if last < start:
            return []
        if cadence == "once":
            return [CadencePeriod(start, end or until, 1)]
        result = []
        n = first_index
        while True:
            if cadence == "daily":
                p_start = start + timedelta(days=n)
                p_end = p_start
                target = 1
            elif cadence in ("weekly", "n-per-week"):
                p_start = start + timedelta(weeks=n)
                p_end = p_start + timedelta(days=6)
                target = self.per_week if cadence == "n-per-week" else 1
            elif cadence == "monthly":
                p_start = add_months(start, n)
                p_end = add_months(start, n + 1) - timedelta(days=1)
                target = 1
            else:
                raise ValueError(f"unknown cadence {cadence!r}")
            if p_start > last:
                break
            if end and p_end > end:
                p_end = end
            result.append(CadencePeriod(p_start, p_end, target or 1))
            n += 1
        return result

    def adherence(self, entry_days: Iterable[date], today: date) -> Adherence:
        """How well entries made on ``entry_days`` keep up with the cadence, as of ``today``."""
        days = self.days_within(entry_days)
        made = expected = missed = done_current = 0
        current = None
        for period, counted, owed in self.counted_periods(days, today):
            made += counted
            expected += owed
            if period.end < today:
                missed += counted < period.target
            else:  # the current period: every entry made in it so far, past its target too
                current, done_current = period, sum(1 for d in days if d in period)
        return Adherence(made, expected, current, done_current, missed, days[-1] if days else None)

    def expected_total(self) -> int:
        """How many entries the whole homework asks for, start to due date (``end`` is set)."""
        return sum(p.target for p in self.periods(self.end))

    def last_ended_period(self, today: date) -> CadencePeriod | None:
        """The most recent period that ended before ``today`` (None if none has yet).

        Only the periods near ``today`` are built, so this stays cheap for old homework.
        """
        cadence, start, end = self.cadence, self.start, self.end
        if cadence == "once":
            return CadencePeriod(start, end, 1) if end and end < today else None
        near = min(today, end + timedelta(days=1)) if end else today
        elapsed = (near - start).days
        if cadence == "daily":
            first = elapsed - 2
        elif cadence in ("weekly", "n-per-week"):
            first = elapsed // 7 - 1
        elif cadence == "monthly":
            first = (near.year - start.year) * 12 + near.month - start.month - 2
        else:
            raise ValueError(f"unknown cadence {cadence!r}")
        recent = self.periods(today, first_index=max(0, first))
        ended = [p for p in recent if p.end < today]
        return ended[-1] if ended else None

    def counted_periods(
        self, entry_days: Iterable[date], today: date
    ) -> list[tuple[CadencePeriod, int, int]]:
        """Each period so far with (entries counted, entries expected): what
        :meth:`adherence` adds up.

        Lets a caller group periods into spans of its own (the intervals between
        sessions) without walking the periods again for every span.
        """
        days = self.days_within(entry_days)
        result = []
        for period in self.periods(today):
            done = sum(1 for d in days if d in period)
            counted = min(done, period.target)
            expected = period.target if period.end < today else counted
            result.append((period, counted, expected))
        return result

    def days_within(self, entry_days: Iterable[date]) -> list[date]:
        """The days of the entries made within the schedule's time, in order."""
        end = self.end
        return sorted(d for d in entry_days if d >= self.start and (end is None or d <= end))
