"""Writing, signing, correcting and reviewing treatment plans, over plain values.

The views map :class:`PlanError` to the field it names; the demo practice and
the tests call the same functions. Nothing here commits.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from practice.auth.models import User
from practice.cases.models import Case
from practice.catalogue.models import Strategy
from practice.dates import local
from practice.extensions import db
from practice.plans.content import PlanContent, signing_problems
from practice.plans.models import Decision, PlanAddendum, PlanReview, TreatmentPlan
from practice.plans.status import Status


class PlanError(ValueError):
    """Input that breaks a rule, said for the field it belongs to ("form": the whole)."""

    def __init__(self, field: str, *messages: str):
        super().__init__(" ".join(messages))
        self.field = field
        self.messages = messages


def versions(case: Case) -> list[TreatmentPlan]:
    """Every version of the case's plan, newest first."""
    return list(
        db.session.scalars(
            sa.select(TreatmentPlan)
            .where(TreatmentPlan.case_id == case.id)
            .order_by(TreatmentPlan.version.desc())
        )
    )


def current_of(all_versions: Sequence[TreatmentPlan]) -> TreatmentPlan | None:
    """The plan in force: the latest signed version (``all_versions`` newest first)."""
    return next((v for v in all_versions if v.signed), None)


def draft_of(all_versions: Sequence[TreatmentPlan]) -> TreatmentPlan | None:
    """The version being written, if any: always the newest, and unsigned."""
    return all_versions[0] if all_versions and not all_versions[0].signed else None


def current_plan(case: Case) -> TreatmentPlan | None:
    """The case's plan in force, in one query."""
    return db.session.scalar(
        sa.select(TreatmentPlan)
        .where(TreatmentPlan.case_id == case.id, TreatmentPlan.signed_at.is_not(None))
        .order_by(TreatmentPlan.version.desc())
        .limit(1)
    )


def save_draft(
    case: Case,
    content: PlanContent,
    review_by: date | None,
    *,
    based_on: int,
    by: User,
    now: datetime,
) -> TreatmentPlan:
    """Save the case's draft plan, starting the next version if there is no draft.

    ``based_on`` is the draft's version as the writer found it (0: there was none).
    If the draft was signed, or another started, since, nothing is written.
    """
    if content.empty:
        raise PlanError("form", "Write at least one problem, goal or intervention to save.")
    check_strategies(content)
    all_versions = versions(case)
    draft = draft_of(all_versions)
    if (draft.version if draft else 0) != based_on:
        raise PlanError("form", _MOVED)
    if draft is None:
        draft = TreatmentPlan(
            case_id=case.id,
            version=all_versions[0].version + 1 if all_versions else 1,
            content=content.to_json(),
            review_by=review_by,
            written_by_id=by.id,
            created_at=now,
            updated_at=now,
        )
        try:
            with db.session.begin_nested():
                db.session.add(draft)
                db.session.flush()
        except IntegrityError as exc:  # another request started the same version just now
            raise PlanError("form", _MOVED) from exc
        return draft
    draft.content = content.to_json()
    draft.review_by = review_by
    draft.updated_at = now
    return draft


_MOVED = (
    "The plan changed while you were writing (a draft was signed or started elsewhere), "
    "so this was not saved. What you typed is below: compare it with the plan as it is "
    "now, then save again."
)


def check_strategies(content: PlanContent) -> None:
    """Every catalogue strategy named by an intervention exists."""
    named = {i.strategy for i in content.interventions if i.strategy}
    if not named:
        return
    known = set(db.session.scalars(sa.select(Strategy.slug).where(Strategy.slug.in_(named))))
    if named - known:
        raise PlanError("interventions", "Choose strategies from the catalogue.")


def sign_plan(plan: TreatmentPlan, case: Case, by: User, now: datetime) -> None:
    """Sign a draft: signer, time and hash are kept, and it becomes the plan in force."""
    if plan.signed:
        raise PlanError("form", "This version is already signed.")
    problems = signing_problems(plan.plan, {p.position for p in case.partners})
    if problems:
        raise PlanError("form", *problems)
    plan.signed_by_id = by.id
    plan.signed_at = now
    plan.updated_at = now
    plan.content_hash = plan.compute_hash()


def add_addendum(plan: TreatmentPlan, text: str, by: User, now: datetime) -> PlanAddendum:
    """A signed correction or addition to a signed version; the version is untouched."""
    if not plan.signed:
        raise PlanError("body", "Addenda are for signed plans; a draft can simply be edited.")
    text = text.strip()
    if not text:
        raise PlanError("body", "Write the correction or addition.")
    addendum = PlanAddendum(
        plan_id=plan.id, case_id=plan.case_id, body=text, signed_by_id=by.id, signed_at=now
    )
    addendum.content_hash = addendum.compute_hash()
    db.session.add(addendum)
    return addendum


@dataclass(frozen=True)
class ReviewDetails:
    """What a counsellor records at a review of the plan in force."""

    reviewed_on: date
    five_session: bool
    findings: tuple[tuple[Status, str], ...]  # per objective, in the plan's order
    decision: Decision
    summary: str
    next_review_on: date | None


def record_review(
    plan: TreatmentPlan,
    details: ReviewDetails,
    by: User,
    now: datetime,
    form_token: str | None = None,
) -> PlanReview:
    """Record a review of ``plan``, kept as written. A decision to revise starts the next
    version as a draft from this one, unless a draft is already being written.

    ``form_token`` is the review form's (see ``practice.idempotency``): a review
    takes no change once written, so it is set here rather than afterwards."""
    objectives = plan.plan.objectives
    if not plan.signed:
        raise PlanError("form", "Only a signed plan is reviewed.")
    if len(details.findings) != len(objectives):
        raise PlanError("form", "The plan changed while you were reviewing it; start again.")
    if details.reviewed_on < local(plan.signed_at).date():
        raise PlanError("reviewed_on", "A review cannot be dated before the plan was signed.")
    if details.next_review_on is not None and details.next_review_on <= details.reviewed_on:
        raise PlanError("next_review_on", "The next review comes after this one.")
    review = PlanReview(
        plan_id=plan.id,
        case_id=plan.case_id,
        reviewed_on=details.reviewed_on,
        five_session=details.five_session,
        findings=[
            {
                "goal": goal.text,
                "objective": objective.text,
                "whose": objective.whose,
                "status": Status(found).value,
                "finding": words.strip(),
            }
            for (goal, objective), (found, words) in zip(objectives, details.findings, strict=True)
        ],
        decision=details.decision,
        summary=details.summary.strip(),
        next_review_on=details.next_review_on,
        reviewed_by_id=by.id,
        signed_at=now,
        form_token=(form_token or "")[:64] or None,
    )
    review.content_hash = review.compute_hash()
    db.session.add(review)
    db.session.flush()
    case = db.session.get(Case, plan.case_id)
    if details.decision is Decision.REVISE and draft_of(versions(case)) is None:
        review_by = details.next_review_on or plan.review_by
        save_draft(case, plan.plan, review_by, based_on=0, by=by, now=now)
    return review
