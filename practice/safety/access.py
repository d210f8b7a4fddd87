"""Finding safety plans and referrals: inside a case already loaded through
``get_case_or_404`` for counsellors, inside ``current_partner()``'s own reach for
clients. Anything else is a 404."""

import sqlalchemy as sa
from flask import abort
from sqlalchemy.orm import selectinload

from practice import audience
from practice.cases.models import Case, Partner
from practice.extensions import db
from practice.safety.models import Referral, SafetyPlan


def plan_version_or_404(partner: Partner, version: int) -> SafetyPlan:
    """One version of the partner's safety plan, for the counsellor."""
    return db.first_or_404(
        sa.select(SafetyPlan).where(
            SafetyPlan.partner_id == partner.id, SafetyPlan.version == version
        )
    )


def plan_versions(partner: Partner) -> list[SafetyPlan]:
    """Every version of the partner's plan, newest first, with who wrote each."""
    return db.session.scalars(
        sa.select(SafetyPlan)
        .where(SafetyPlan.partner_id == partner.id)
        .options(selectinload(SafetyPlan.written_by))
        .order_by(SafetyPlan.version.desc())
    ).all()


def case_safety_work(case: Case) -> dict:
    """For the case page: each partner's current plan (by position) and the case's referrals."""
    plans: dict[str, SafetyPlan] = {}
    for plan in db.session.scalars(
        sa.select(SafetyPlan)
        .where(SafetyPlan.case_id == case.id)
        .options(selectinload(SafetyPlan.partner))
        .order_by(SafetyPlan.version.desc())
    ):
        plans.setdefault(plan.partner.position, plan)
    referrals = db.session.scalars(
        sa.select(Referral)
        .where(Referral.case_id == case.id)
        .options(selectinload(Referral.partner))
        .order_by(Referral.referred_on.desc(), Referral.id.desc())
    ).all()
    return {"plans": plans, "referrals": referrals}


def get_referral_or_404(case: Case, referral_id: int) -> Referral:
    """A referral of ``case`` (already access-checked)."""
    return db.first_or_404(
        sa.select(Referral).where(Referral.id == referral_id, Referral.case_id == case.id)
    )


def own_plan_or_404(reader: Partner) -> SafetyPlan:
    """The reader's own safety plan as their portal shows it."""
    plan = db.session.scalar(audience.safety_plan_for(reader))
    if plan is None or not audience.may_read(reader, audience.of_safety_plan(plan)):
        abort(404)
    return plan


def given_referral_or_404(reader: Partner, referral_id: int) -> Referral:
    """A referral letter given to the reader."""
    referral = db.session.scalar(audience.referrals_for(reader).where(Referral.id == referral_id))
    if referral is None or not audience.may_read(reader, audience.of_referral(referral)):
        abort(404)
    return referral
