"""Telling a real change in a partner's CSI-4 from the noise of measurement.

The rule is Jacobson and Truax's (1991). A total moves a little from one check-in to
the next even when nothing has changed, because no questionnaire measures without
error. The *reliable change index* divides a change by the spread that error alone
would give a difference of two totals:

    SE     = SD · √(1 − r)          the standard error of one total
    S_diff = √(2 · SE²)             the standard error of a difference of two
    RCI    = (x2 − x1) / S_diff     reliable when |RCI| > 1.96

With the figures below (r = .94, SD = 4.5), SE = 1.102 and S_diff = 1.559 points, so a
change must exceed 1.96 × 1.559 = 3.06 points: CSI-4 totals are whole numbers, so 4
points or more is a reliable change and 3 is not. A reliable rise that also crosses
from below the 13.5 distress line to at or above it is *recovered* (clinically
significant change, the line standing in for the cut-off between distressed and not).
See docs/measures.md for where the figures come from and how far they are confirmed.
"""

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from practice.progress.csi import DISTRESS_CUTOFF
from practice.vocabulary import Labelled

#: Reliability of the CSI-4 total: internal consistency (Cronbach's alpha) .94, the figure
#: Funk & Rogge (2007) give for the four-item form, as the brief and published summaries
#: of the paper quote it. We could not read the paper's own table to check it.
RELIABILITY = 0.94
#: Standard deviation of CSI-4 totals. An assumption, NOT a figure confirmed from Funk &
#: Rogge (2007): we could not find the SD of their sample's CSI-4 totals in any source we
#: could read. 4.5 is of the order that 0-21 totals spread in community samples; replace
#: it with the paper's figure once someone has checked it (docs/measures.md says how).
STANDARD_DEVIATION = 4.5
#: The two-tailed 5% point of the normal distribution: a change whose index passes it
#: arises from measurement error alone less than one time in twenty.
CRITICAL = 1.96


def standard_error(sd: float = STANDARD_DEVIATION, reliability: float = RELIABILITY) -> float:
    """SE = SD · √(1 − r): the error of measurement of one total."""
    return sd * math.sqrt(1 - reliability)


def difference_error(se: float) -> float:
    """S_diff = √(2 · SE²): the error of a difference between two totals."""
    return math.sqrt(2 * se**2)


#: S_diff of the CSI-4 with the figures above, about 1.559 points.
S_DIFF = difference_error(standard_error())
#: The smallest change that is reliable, in points: about 3.06.
RELIABLE_POINTS = CRITICAL * S_DIFF


def reliable_change_index(before: float, after: float, s_diff: float = S_DIFF) -> float:
    """RCI = (after − before) / S_diff."""
    return (after - before) / s_diff


def is_reliable(index: float) -> bool:
    """Whether a change index lies beyond ±1.96 (exactly 1.96 is not beyond it)."""
    return abs(index) > CRITICAL


def smallest_reliable_change(s_diff: float = S_DIFF) -> int:
    """The fewest whole points a total must move by for the move to be reliable."""
    # Every whole change up to 1.96 · S_diff has an index of 1.96 or less; the next is beyond.
    return math.floor(CRITICAL * s_diff) + 1


class Change(Labelled):
    """How a partner's CSI-4 has changed since their first check-in.

    The labels are short, for tables and badges; ``MEANINGS`` says what each class means.
    """

    RECOVERED = "recovered", "Recovered"
    IMPROVED = "improved", "Improved"
    UNCHANGED = "unchanged", "No reliable change"
    DETERIORATED = "deteriorated", "Deteriorated"


#: What each class means, as a counsellor reads it beside its label.
MEANINGS = {
    Change.RECOVERED: "a reliable rise, from below 13.5 to 13.5 or above",
    Change.IMPROVED: "a reliable rise",
    Change.UNCHANGED: "a change within the error of measurement",
    Change.DETERIORATED: "a reliable fall",
}
#: Label and meaning together ("Improved: a reliable rise"), for lists and print.
COUNSELLOR_WORDS = {change: f"{change.label}: {MEANINGS[change]}" for change in Change}


def classify(baseline: int | None, latest: int | None, s_diff: float = S_DIFF) -> Change | None:
    """The class of a change from ``baseline`` to ``latest``; None without both.

    Recovered: a reliable rise that crosses from below 13.5 to 13.5 or above.
    Improved: a reliable rise that does not cross. Deteriorated: a reliable fall,
    wherever it starts and ends. Anything else: unchanged.
    """
    if baseline is None or latest is None:
        return None
    index = reliable_change_index(baseline, latest, s_diff)
    if not is_reliable(index):
        return Change.UNCHANGED
    if index < 0:
        return Change.DETERIORATED
    if baseline < DISTRESS_CUTOFF <= latest:
        return Change.RECOVERED
    return Change.IMPROVED


def better(change: Change | None) -> bool:
    return change in (Change.RECOVERED, Change.IMPROVED)


def drifting_apart(changes: Iterable[Change | None]) -> bool:
    """Whether one partner has reliably improved while the other has reliably worsened.

    Needs both: a case of one person, or a couple where one partner has no change
    to read yet, is never drifting apart.
    """
    changes = list(changes)
    return any(better(c) for c in changes) and Change.DETERIORATED in changes


def fell_below_line(totals: Sequence[int]) -> bool:
    """Whether the latest total is below 13.5 while the first, or the one just before
    the latest, was at or above it: a fall across the distress line, from the start or
    since last time."""
    if len(totals) < 2 or totals[-1] >= DISTRESS_CUTOFF:
        return False
    return totals[0] >= DISTRESS_CUTOFF or totals[-2] >= DISTRESS_CUTOFF


@dataclass(frozen=True)
class Course:
    """One person's CSI-4 totals in the order made, read by the rule above."""

    totals: tuple[int, ...]

    @property
    def baseline(self) -> int | None:
        return self.totals[0] if self.totals else None

    @property
    def latest(self) -> int | None:
        """The latest total after the baseline; None with fewer than two check-ins."""
        return self.totals[-1] if len(self.totals) > 1 else None

    @property
    def points(self) -> int | None:
        return None if self.latest is None else self.latest - self.baseline

    @property
    def index(self) -> float | None:
        return None if self.latest is None else reliable_change_index(self.baseline, self.latest)

    @property
    def change(self) -> Change | None:
        return classify(self.baseline, self.latest)

    @property
    def fell_below(self) -> bool:
        return fell_below_line(self.totals)

    @property
    def needs_a_look(self) -> bool:
        """Reliably worse than at the start, or fallen below the 13.5 line."""
        return self.change is Change.DETERIORATED or self.fell_below

    @property
    def good_news(self) -> bool:
        """Reliably better than at the start, with nothing that needs a look."""
        return better(self.change) and not self.needs_a_look


def course(totals: Iterable[int]) -> Course:
    return Course(tuple(totals))
