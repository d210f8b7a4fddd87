"""Where an objective stands now: met, on track, not yet, or no data.

Plain functions over readings (a date and a value), tested by hand-worked
examples in ``tests/test_plan_status.py``. Every measure an objective can use
(a CSI-4 total, a 0-10 building-block rating, homework adherence in per cent)
is better higher, so a target is always "at or above".

One person's readings (a partner's check-ins, or the counsellor's ratings):

- **no data**: no reading yet;
- **met**: the latest reading is at or above the target;
- **not yet**: below it, and either the target date has passed, or there is
  only one reading, or the readings have not risen from the first to the latest;
- **on track**: below it, but rising from the first reading to the latest, at a
  pace that reaches the target by the target date (a straight line from the
  latest reading); with no target date, any steady rise is on track.

An objective measured for each partner stands where the partner furthest from
it stands (``overall``): met only when both have met it, and "no data" while
either has no reading.
"""

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date


class Status(enum.StrEnum):
    NO_DATA = "no data"
    NOT_YET = "not yet"
    ON_TRACK = "on track"
    MET = "met"


#: From furthest to nearest: an objective for both partners takes the lowest.
ORDER = (Status.NO_DATA, Status.NOT_YET, Status.ON_TRACK, Status.MET)


@dataclass(frozen=True)
class Reading:
    on: date
    value: float


def status(readings: Sequence[Reading], target: float, by: date | None, today: date) -> Status:
    """Where one person's ``readings`` (oldest first) stand against ``target`` on ``today``."""
    readings = [r for r in readings if r.on <= today]
    if not readings:
        return Status.NO_DATA
    first, latest = readings[0], readings[-1]
    if latest.value >= target:
        return Status.MET
    if by is not None and today > by:
        return Status.NOT_YET
    days = (latest.on - first.on).days
    if days <= 0 or latest.value <= first.value:
        return Status.NOT_YET
    if by is None:
        return Status.ON_TRACK
    per_day = (latest.value - first.value) / days
    reached_by_then = latest.value + per_day * (by - latest.on).days
    return Status.ON_TRACK if reached_by_then >= target else Status.NOT_YET


def overall(statuses: Iterable[Status]) -> Status:
    """The status of an objective from its parts': the furthest from the target."""
    statuses = list(statuses)
    if not statuses:
        return Status.NO_DATA
    return min(statuses, key=ORDER.index)


def tally(statuses: Iterable[Status]) -> dict[Status, int]:
    """How many objectives stand at each status, nearest first, leaving out none-such."""
    statuses = list(statuses)
    counts = {s: statuses.count(s) for s in reversed(ORDER)}
    return {s: n for s, n in counts.items() if n}
