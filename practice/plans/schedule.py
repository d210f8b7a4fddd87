"""When a treatment plan is next reviewed: plain values in, a date and its reason out.

A plan is reviewed at the five-session review (the guides advise at least five
sessions, and the case's measures are reviewed at the fifth), and at any time.
Whoever last set a date decides it: the counsellor when signing the current
version ("review by"), or the latest review ("next review"), whichever came
later. The five-session review comes first: once the fifth session is held, a
plan in force by then is due for review until a review dated on or after that
session is recorded.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True)
class ReviewHeld:
    signed_at: datetime
    reviewed_on: date
    next_review_on: date | None


@dataclass(frozen=True)
class NextReview:
    on: date | None
    why: str  # "five-session", "review" (set at the latest review), "plan" (set when signed)
    due: bool


def next_review(
    *,
    signed_at: datetime,
    review_by: date | None,
    first_signed_on: date,
    reviews: Sequence[ReviewHeld],
    fifth_session_on: date | None,
    today: date,
) -> NextReview:
    """When the current plan (signed at ``signed_at``, to be reviewed by ``review_by``) is
    next reviewed. ``first_signed_on`` is the day the case's first plan was signed;
    ``reviews`` are every review of the case's plans."""
    if (
        fifth_session_on is not None
        and first_signed_on <= fifth_session_on
        and not any(r.reviewed_on >= fifth_session_on for r in reviews)
    ):
        return NextReview(fifth_session_on, "five-session", True)
    latest = max(reviews, key=lambda r: r.signed_at, default=None)
    if latest is not None and latest.signed_at > signed_at:
        on, why = latest.next_review_on, "review"
    else:
        on, why = review_by, "plan"
    return NextReview(on, why, on is not None and on <= today)
