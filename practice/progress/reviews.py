"""Reviews of a case, each kept as it stood on its date.

A review is written about the measures as they were when the counsellor sat down
with them, so its figures are computed from what was recorded up to the review's
date and *stored* with it (``Review.measures``, ``Review.blocks``). We store rather
than recompute on every reading because a review must read the same for good:
a check-in typed in later from a paper form, dated before the review, would
otherwise rewrite the figures under a summary that was written about others;
and a later change to the reliable-change figures (``practice.progress.change``)
would reclassify a change the counsellor already wrote about.
"""

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import date, time, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from practice.cases.models import Case
from practice.dates import local, local_to_utc
from practice.extensions import db
from practice.progress.change import Change, classify, drifting_apart
from practice.progress.models import CheckIn, Review, ReviewMeasure
from practice.progress.timeline import joint
from practice.sessions.models import Session, SessionStatus
from practice.vocabulary import BUILDING_BLOCKS


@dataclass(frozen=True)
class PartnerFigures:
    """One partner's CSI-4 as it stood on a day: the first total and the latest."""

    partner_id: int
    position: str
    baseline: int | None = None
    baseline_on: date | None = None
    latest: int | None = None  # None until there is a check-in after the first
    latest_on: date | None = None

    @property
    def change(self) -> Change | None:
        return classify(self.baseline, self.latest)


@dataclass(frozen=True)
class ReviewFigures:
    joint: int
    individual: int
    partners: tuple[PartnerFigures, ...]
    blocks: dict[str, list[int]] = field(default_factory=dict)


def figures_as_of(
    day: date,
    positions: Mapping[int, str],
    check_ins: Iterable[tuple[int, date, int]],
    sessions: Iterable[tuple[date, Iterable[str], Mapping[str, int]]],
) -> ReviewFigures:
    """The figures of a review held on ``day``, from what was recorded up to that day.

    ``positions``: {partner id: "a" or "b"}, every partner of the case.
    ``check_ins``: (partner id, local date, CSI-4 total) in the order they were made.
    ``sessions``: (local date, who came, the counsellor's block ratings) of attended
    sessions, in order. Anything after ``day`` is left out.
    """
    totals: dict[int, list[tuple[date, int]]] = {pid: [] for pid in positions}
    for partner_id, on, total in check_ins:
        if on <= day and partner_id in totals:
            totals[partner_id].append((on, total))
    partners = []
    for partner_id, made in totals.items():
        first_on, first = made[0] if made else (None, None)
        last_on, last = made[-1] if len(made) > 1 else (None, None)
        partners.append(
            PartnerFigures(partner_id, positions[partner_id], first, first_on, last, last_on)
        )
    together = alone = 0
    rated: list[Mapping[str, int]] = []
    for on, came, blocks in sessions:
        if on > day:
            continue
        if joint(came, positions.values()):
            together += 1
        else:
            alone += 1
        if blocks:
            rated.append(blocks)
    blocks = {}
    if rated:
        for key in BUILDING_BLOCKS:
            if key in rated[0]:
                blocks[key] = [rated[0][key], rated[-1].get(key, rated[0][key])]
    return ReviewFigures(
        together,
        alone,
        tuple(sorted(partners, key=lambda p: p.position)),
        blocks,
    )


def _figures_of_case(case: Case, day: date) -> ReviewFigures:
    """:func:`figures_as_of` over the case's check-ins and sessions up to ``day``."""
    until = local_to_utc(day + timedelta(days=1), time(0))
    check_ins = db.session.execute(
        sa.select(CheckIn.partner_id, CheckIn.completed_at, CheckIn.csi_total)
        .where(CheckIn.case_id == case.id, CheckIn.completed_at < until)
        .order_by(CheckIn.completed_at, CheckIn.id)
    ).all()
    sessions = db.session.execute(
        sa.select(Session.starts_at, Session.attendees, Session.block_ratings)
        .where(
            Session.case_id == case.id,
            Session.status == SessionStatus.ATTENDED,
            Session.starts_at < until,
        )
        .order_by(Session.starts_at, Session.id)
    ).all()
    return figures_as_of(
        day,
        {p.id: p.position for p in case.partners},
        ((pid, local(at).date(), total) for pid, at, total in check_ins),
        ((local(at).date(), came or [], blocks or {}) for at, came, blocks in sessions),
    )


def record_review(case: Case, reviewed_on: date, summary: str, by_id: int) -> Review:
    """A review of ``case`` held on ``reviewed_on``, its figures kept as they stood then."""
    figures = _figures_of_case(case, reviewed_on)
    review = Review(
        case_id=case.id,
        reviewed_on=reviewed_on,
        summary=summary.strip(),
        reviewed_by_id=by_id,
        joint_sessions=figures.joint,
        individual_sessions=figures.individual,
        blocks=figures.blocks,
        # Each of a partner's figures is a column of the measure, kept with its change.
        measures=[ReviewMeasure(**asdict(p), change=p.change) for p in figures.partners],
    )
    db.session.add(review)
    db.session.flush()
    return review


# --- Reading reviews back, as plain data ---------------------------------------


@dataclass(frozen=True)
class MeasureAtReview:
    name: str
    baseline: int | None
    baseline_on: date | None
    latest: int | None
    latest_on: date | None
    change: Change | None

    @property
    def points(self) -> int | None:
        return None if self.latest is None or self.baseline is None else self.latest - self.baseline

    @property
    def label(self) -> str:
        if self.change is not None:
            return self.change.label
        return "No check-in yet" if self.baseline is None else "One check-in: nothing to compare"


@dataclass(frozen=True)
class ReviewSummary:
    id: int
    reviewed_on: date
    summary: str
    joint: int
    individual: int
    measures: tuple[MeasureAtReview, ...]
    blocks: dict[str, list[int]]

    @property
    def drifting_apart(self) -> bool:
        return drifting_apart(m.change for m in self.measures)


def summary_of(review: Review, names: Mapping[int, str]) -> ReviewSummary:
    """A stored review as plain data; ``names``: {partner id: first name}."""
    return ReviewSummary(
        review.id,
        review.reviewed_on,
        review.summary,
        review.joint_sessions,
        review.individual_sessions,
        tuple(
            MeasureAtReview(
                names.get(m.partner_id, m.position.upper()),
                m.baseline,
                m.baseline_on,
                m.latest,
                m.latest_on,
                m.change,
            )
            for m in review.measures
        ),
        {key: list(pair) for key, pair in (review.blocks or {}).items()},
    )


def reviews_of(case: Case) -> list[ReviewSummary]:
    """The case's reviews, oldest first, each with its kept figures (two statements)."""
    names = {p.id: p.first_name for p in case.partners}
    return [
        summary_of(r, names)
        for r in db.session.scalars(
            sa.select(Review)
            .where(Review.case_id == case.id)
            .options(selectinload(Review.measures))
            .order_by(Review.reviewed_on, Review.id)
        )
    ]
