"""The Couples Satisfaction Index, four-item form (CSI-4; Funk & Rogge, 2007).

Free for clinical use. Scoring is the plain sum of the four answers: the first
item runs 0-6, the other three 0-5, so totals run 0-21. Totals below 13.5
suggest notable relationship distress. Whether a change between two totals is more
than the error of measurement is ``practice.progress.change``.
"""

from dataclasses import dataclass

DISTRESS_CUTOFF = 13.5


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
