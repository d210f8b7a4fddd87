"""Finding a case's treatment plan: inside a case already loaded through
``get_case_or_404``. A version that is not the case's is a 404, like one that
does not exist. Clients never load a plan: their copy of the progress report is
built for them by ``practice.plans.printed``."""

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask import abort
from sqlalchemy.orm import selectinload

from practice.cases.models import Case
from practice.catalogue.models import Strategy
from practice.dates import local
from practice.extensions import db
from practice.plans.models import PlanAddendum, PlanReview, TreatmentPlan
from practice.plans.schedule import NextReview, ReviewHeld, next_review
from practice.plans.services import current_of, draft_of
from practice.progress.timeline import FIVE_SESSIONS
from practice.sessions.models import Session, SessionStatus


def version_or_404(case: Case, version: int) -> TreatmentPlan:
    """One version of the plan of ``case`` (already access-checked)."""
    plan = db.session.scalar(
        sa.select(TreatmentPlan).where(
            TreatmentPlan.case_id == case.id, TreatmentPlan.version == version
        )
    )
    if plan is None:
        abort(404)
    return plan


@dataclass(frozen=True)
class PlanState:
    versions: list[TreatmentPlan]  # newest first
    current: TreatmentPlan | None  # the plan in force: the latest signed version
    draft: TreatmentPlan | None
    reviews: list[PlanReview]  # newest first
    next: NextReview | None  # None while no version is signed


def plan_state(case: Case, today: date) -> PlanState:
    """The case's plan as the case page and the plan page show it, in one statement:
    every version, each with its reviews, and the day of the fifth joint session (one every
    partner came to: the five-session mark counts those, see practice.progress.timeline)."""
    fifth = (
        sa.select(Session.starts_at)
        .where(
            Session.case_id == case.id,
            Session.status == SessionStatus.ATTENDED,
            sa.func.json_array_length(Session.attendees) >= len(case.partners),
        )
        .order_by(Session.starts_at, Session.id)
        .offset(FIVE_SESSIONS - 1)
        .limit(1)
        .scalar_subquery()
    )
    rows = db.session.execute(
        sa.select(TreatmentPlan, PlanReview, fifth)
        .outerjoin(PlanReview, PlanReview.plan_id == TreatmentPlan.id)
        .where(TreatmentPlan.case_id == case.id)
        .order_by(TreatmentPlan.version.desc())
    ).all()
    every = list(dict.fromkeys(plan for plan, _, _ in rows))
    reviews = sorted(
        (review for _, review, _ in rows if review is not None),
        key=lambda r: (r.signed_at, r.id),
        reverse=True,
    )
    current = current_of(every)
    upcoming = None
    if current is not None:
        fifth_at = rows[0][2]
        upcoming = next_review(
            signed_at=current.signed_at,
            review_by=current.review_by,
            first_signed_on=min(local(v.signed_at).date() for v in every if v.signed),
            reviews=[ReviewHeld(r.signed_at, r.reviewed_on, r.next_review_on) for r in reviews],
            fifth_session_on=local(fifth_at).date() if fifth_at else None,
            today=today,
        )
    return PlanState(every, current, draft_of(every), reviews, upcoming)


def addenda_of(plans: list[TreatmentPlan]) -> dict[int, list[PlanAddendum]]:
    """The addenda of each of ``plans`` (by plan id), oldest first."""
    found: dict[int, list[PlanAddendum]] = {p.id: [] for p in plans}
    if not plans:
        return found
    for addendum in db.session.scalars(
        sa.select(PlanAddendum)
        .where(PlanAddendum.plan_id.in_(list(found)))
        .options(selectinload(PlanAddendum.signed_by))
        .order_by(PlanAddendum.signed_at, PlanAddendum.id)
    ):
        found[addendum.plan_id].append(addendum)
    return found


def strategy_titles(slugs=None, *, current_only: bool = False) -> dict[str, str]:
    """{slug: title} of the catalogue's strategies: of ``slugs`` only, when given; only
    those not retired, with ``current_only``."""
    if slugs is not None and not slugs:
        return {}
    query = sa.select(Strategy.slug, Strategy.title)
    if slugs is not None:
        query = query.where(Strategy.slug.in_(list(slugs)))
    if current_only:
        query = query.where(Strategy.retired_at.is_(None))
    return dict(db.session.execute(query).all())
