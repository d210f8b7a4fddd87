"""Where a case stands on the guides' repair timeline, and against the five-session mark.

The timeline is the one in the guide that opens "Relationships are dynamic":
pause and reflect (weeks 1-2), a calm first conversation (week 3), identify the
key issues (weeks 4-5), a joint action plan (week 6), then implement and
monitor with monthly check-ins, and reaffirm the commitment after three to six
months. The guides also advise at least five sessions of couples therapy; a
review falls due at the fifth. What counts toward that mark is a *joint* session:
one every partner of the case came to (for one person in individual work, each of
their sessions). A couple's individual sessions are counted beside the mark, not in it.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

FIVE_SESSIONS = 5


@dataclass(frozen=True)
class TimelineStep:
    key: str
    title: str
    weeks: str  # as the guide puts it
    first_week: int  # 1-based week the step starts
    last_week: int | None  # inclusive; None: open-ended


TIMELINE = (
    TimelineStep("pause", "Pause and reflect", "weeks 1–2", 1, 2),
    TimelineStep("conversation", "A calm first conversation", "week 3", 3, 3),
    TimelineStep("issues", "Identify the key issues", "weeks 4–5", 4, 5),
    TimelineStep("plan", "A joint action plan", "week 6", 6, 6),
    TimelineStep("monitor", "Implement and monitor, with monthly check-ins", "ongoing", 7, 12),
    TimelineStep("reaffirm", "Reaffirm the commitment", "after 3–6 months", 13, None),
)


@dataclass(frozen=True)
class Position:
    week: int  # 1-based week of treatment; 0 before it starts
    step: TimelineStep | None
    index: int  # of ``step`` in TIMELINE; -1 before the start


def timeline_position(start: date, today: date) -> Position:
    """The week of treatment and the timeline step it falls in."""
    if today < start:
        return Position(0, None, -1)
    week = (today - start).days // 7 + 1
    for index, step in enumerate(TIMELINE):
        if step.last_week is None or week <= step.last_week:
            return Position(week, step, index)
    raise AssertionError("the last step is open-ended")


def joint(attendees: Iterable[str], positions: Iterable[str]) -> bool:
    """Whether a session was joint: everyone of the case (``positions``) came to it."""
    positions = set(positions)
    return bool(positions) and positions <= set(attendees)


@dataclass(frozen=True)
class FiveSessionMark:
    joint: int  # attended sessions every partner came to: what counts toward the mark
    review_due: bool  # the fifth joint session is reached and no review is recorded
    reviewed: bool
    individual: int = 0  # attended sessions with one partner alone, shown beside the mark

    @property
    def remaining(self) -> int:
        return max(0, FIVE_SESSIONS - self.joint)


def five_session_mark(joint: int, reviewed: bool, individual: int = 0) -> FiveSessionMark:
    """Where a case stands against the five-session mark; ``reviewed``: a review is recorded."""
    return FiveSessionMark(joint, joint >= FIVE_SESSIONS and not reviewed, reviewed, individual)
