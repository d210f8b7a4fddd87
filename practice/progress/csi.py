"""The Couples Satisfaction Index, four-item form (CSI-4; Funk & Rogge, 2007).

Free for clinical use. Scoring is the plain sum of the four answers: the first
item runs 0-6, the other three 0-5, so totals run 0-21. Totals below 13.5
suggest notable relationship distress.
"""

import math
from dataclasses import dataclass

DISTRESS_CUTOFF = 13.5

#: Reliability of the CSI-4 total: internal consistency (Cronbach's alpha) .94,
#: as Funk & Rogge (2007) report for the four-item form.
RELIABILITY = 0.94
#: Standard deviation of CSI-4 totals used for the reliable change index. 4.5 is an
#: assumption of the order seen in published CSI-4 samples, not a figure quoted from
#: Funk & Rogge (2007); it should be replaced by the validation sample's SD when the
#: measurement work (issue 19) settles it. With it, a change must be 3.06 points or
#: more: 4 points, since totals are whole numbers.
STANDARD_DEVIATION = 4.5
#: 1.96 standard errors of the difference (Jacobson & Truax, 1991): a change this
#: large arises from measurement error alone less than 5% of the time.
RELIABLE_CHANGE = 1.96 * math.sqrt(2) * STANDARD_DEVIATION * math.sqrt(1 - RELIABILITY)


@dataclass(frozen=True)
class Item:
    key: str
    text: str
    options: tuple[str, ...]  # labels for 0, 1, 2, ...

    @property
    def maximum(self) -> int:
        return len(self.options) - 1


_TRUE = (
    "Not at all true",
    "A little true",
    "Somewhat true",
    "Mostly true",
    "Almost completely true",
    "Completely true",
)
_AMOUNT = ("Not at all", "A little", "Somewhat", "Mostly", "Almost completely", "Completely")

ITEMS = (
    Item(
        "happiness",
        "Please indicate the degree of happiness, all things considered, of your relationship.",
        (
            "Extremely unhappy",
            "Fairly unhappy",
            "A little unhappy",
            "Happy",
            "Very happy",
            "Extremely happy",
            "Perfect",
        ),
    ),
    Item("warm", "I have a warm and comfortable relationship with my partner.", _TRUE),
    Item("rewarding", "How rewarding is your relationship with your partner?", _AMOUNT),
    Item("satisfied", "In general, how satisfied are you with your relationship?", _AMOUNT),
)
MAXIMUM = sum(item.maximum for item in ITEMS)  # 21


class CSIError(ValueError):
    """Answers that are not a complete, in-range CSI-4."""


def score(answers) -> int:
    """The CSI-4 total of four answers, in the order of :data:`ITEMS`."""
    answers = list(answers)
    if len(answers) != len(ITEMS):
        raise CSIError(f"the CSI-4 has {len(ITEMS)} items; {len(answers)} answers were given")
    for item, answer in zip(ITEMS, answers, strict=True):
        if isinstance(answer, bool) or not isinstance(answer, int):
            raise CSIError(f"the answer to '{item.key}' must be a whole number")
        if not 0 <= answer <= item.maximum:
            raise CSIError(f"the answer to '{item.key}' must be 0 to {item.maximum}")
    return sum(answers)


def distressed(total: float) -> bool:
    """Whether a total falls below the cut-off for notable distress."""
    return total < DISTRESS_CUTOFF


def reliable_change(previous: float, latest: float) -> bool:
    """Whether the change between two totals is larger than measurement error explains."""
    return abs(latest - previous) >= RELIABLE_CHANGE


@dataclass(frozen=True)
class Movement:
    """How a partner's CSI-4 moved between two check-ins, by the stated rules:
    crossing the 13.5 distress line, or a reliable change (either way)."""

    worse: bool
    reasons: tuple[str, ...]


def movement(previous: int | None, latest: int) -> Movement | None:
    """The news in a change from ``previous`` to ``latest``; None when there is none.

    Worse: the total crossed below 13.5, or fell reliably. Better: it crossed up to
    13.5 or above, or rose reliably. A change inside the error of measurement that
    crosses no line is not news, whichever way it went.
    """
    if previous is None or previous == latest:
        return None
    worse = latest < previous
    reasons = []
    if worse and distressed(latest) and not distressed(previous):
        reasons.append("crossed below 13.5")
    if not worse and distressed(previous) and not distressed(latest):
        reasons.append("crossed above 13.5")
    if reliable_change(previous, latest):
        reasons.append("reliable fall" if worse else "reliable rise")
    return Movement(worse, tuple(reasons)) if reasons else None
