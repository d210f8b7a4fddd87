"""A long course of sessions taken five at a time, for the printed progress report.

Past fifteen attended sessions, a table and charts with a point for every
session stop being something a couple can read on paper: six building-block
lines over forty sessions cross each other, and forty bars of homework kept up
leave no room for their figures. The report then groups the sessions in fives,
the least course of therapy the guides advise and the rhythm of the
five-session review: each period shows the step reached at its last session,
the mean of each building block's ratings, and the homework kept up before
each of its sessions. The progress view on screen keeps every session.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from statistics import fmean

from practice.progress.data import CheckInPoint, Interval, KeptUp, Progress, SessionPoint
from practice.progress.stage import stage_of
from practice.progress.timeline import FIVE_SESSIONS
from practice.vocabulary import BUILDING_BLOCKS

PERIOD = FIVE_SESSIONS
GROUPED_PAST = 15  # attended sessions; at or below this, every session gets its own row


@dataclass(frozen=True)
class SessionPeriod(KeptUp):
    """A run of sessions (five, or what is left) as one row of the printed report."""

    first: int  # ordinal of the first and the last session in it
    last: int
    start: date
    end: date
    step: int | None  # the step recorded at the latest session in it that has one
    blocks: dict[str, float]  # mean rating per block, over the sessions that rated it
    made: int  # homework kept up before its sessions
    expected: int

    @property
    def label(self) -> str:
        return (
            f"Session {self.first}"
            if self.first == self.last
            else f"Sessions {self.first}–{self.last}"
        )

    @property
    def short_label(self) -> str:
        return f"S{self.first}" if self.first == self.last else f"S{self.first}–{self.last}"

    @property
    def stage(self) -> int | None:
        return stage_of(self.step)


@dataclass(frozen=True)
class CheckInsInPeriod:
    """Each partner's check-ins up to a period's last session (or since the last session)."""

    label: str
    start: date | None  # the period's first and last session; None for "since"
    end: date | None
    by_partner: dict[str, tuple[CheckInPoint, ...]]  # partner position -> check-ins, in order


def grouped(progress: Progress) -> bool:
    """Whether the printed report takes this case's sessions five at a time."""
    return len(progress.sessions) > GROUPED_PAST


def _period(sessions: Sequence[SessionPoint], before: Sequence[Interval]) -> SessionPeriod:
    steps = [s.step for s in sessions if s.step]
    blocks = {}
    for key in BUILDING_BLOCKS:
        ratings = [s.blocks[key] for s in sessions if key in s.blocks]
        if ratings:
            blocks[key] = round(fmean(ratings), 1)
    return SessionPeriod(
        first=sessions[0].ordinal,
        last=sessions[-1].ordinal,
        start=sessions[0].on,
        end=sessions[-1].on,
        step=steps[-1] if steps else None,
        blocks=blocks,
        made=sum(i.made for i in before),
        expected=sum(i.expected for i in before),
    )


def in_fives(progress: Progress, size: int = PERIOD) -> list[SessionPeriod]:
    """The attended sessions in consecutive periods of ``size`` (the last may be shorter).

    ``progress.intervals`` holds the homework before each session and then since
    the last one; a period counts the intervals before its own sessions, so the
    time since the last session stays a row of its own.
    """
    sessions = progress.sessions
    before = progress.intervals[: len(sessions)]  # the last interval is the time since
    return [
        _period(sessions[i : i + size], before[i : i + size]) for i in range(0, len(sessions), size)
    ]


def check_ins_by_period(
    progress: Progress, periods: Sequence[SessionPeriod]
) -> list[CheckInsInPeriod]:
    """The check-ins in the same periods: a period takes those made after the previous
    period's last session and up to the day of its own last; check-ins made after the
    last session make a row of their own."""
    rows = []
    after = date.min
    for period in periods:
        rows.append(
            CheckInsInPeriod(
                period.label,
                period.start,
                period.end,
                {
                    p.position: tuple(c for c in p.check_ins if after < c.on <= period.end)
                    for p in progress.partners
                },
            )
        )
        after = period.end
    since = {p.position: tuple(c for c in p.check_ins if c.on > after) for p in progress.partners}
    if periods and any(since.values()):
        rows.append(CheckInsInPeriod(f"Since session {periods[-1].last}", None, None, since))
    return rows
