"""Writing safety plans and referrals, over plain values; the views map errors to fields."""

from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from practice.auth.models import User
from practice.cases.models import Case, Partner
from practice.extensions import db
from practice.problems import FieldProblem
from practice.safety.models import (
    PLAN_PARTS,
    Referral,
    ReferralKind,
    ReferralStatus,
    SafetyPlan,
)


class Problem(FieldProblem):
    """Input that breaks a rule, said for the field it belongs to."""


def latest_plan(partner: Partner) -> SafetyPlan | None:
    """The partner's current safety plan (its latest version), if one was written."""
    return db.session.scalar(
        sa.select(SafetyPlan)
        .where(SafetyPlan.partner_id == partner.id)
        .order_by(SafetyPlan.version.desc())
        .limit(1)
    )


def save_plan(
    partner: Partner,
    parts: dict[str, str],
    *,
    in_portal: bool,
    based_on: int,
    by: User,
    now: datetime,
) -> SafetyPlan | None:
    """Add the next version of ``partner``'s plan; None when nothing changed.

    ``based_on`` is the version the writer started from (0 for none): if another
    was saved since, nothing is written and :class:`Problem` says so.
    """
    if not any(parts.get(name) for name in PLAN_PARTS):
        raise Problem("warning_signs", "Write at least one part of the plan.")
    latest = latest_plan(partner)
    current = latest.version if latest else 0
    if based_on != current:
        raise Problem("form", _NEWER)
    if latest and latest.parts() == parts and latest.in_portal == in_portal:
        return None
    plan = SafetyPlan(
        case_id=partner.case_id,
        partner_id=partner.id,
        version=current + 1,
        in_portal=in_portal,
        written_by_id=by.id,
        written_at=now,
        **{name: parts.get(name, "") for name in PLAN_PARTS},
    )
    try:
        with db.session.begin_nested():
            db.session.add(plan)
            db.session.flush()
    except IntegrityError as exc:  # the same version saved by another request just now
        raise Problem("form", _NEWER) from exc
    return plan


_NEWER = (
    "A newer version of this plan was saved while you were writing, so yours was not. "
    "What you typed is below: compare it with the plan as it is now, then save again."
)


@dataclass(frozen=True)
class ReferralDetails:
    """What a counsellor writes about a referral."""

    partner: Partner | None  # None: the couple
    kind: ReferralKind
    service: str
    service_address: str
    reason: str
    referred_on: date
    status: ReferralStatus
    given: bool


def check_referral(details: ReferralDetails) -> None:
    """A domestic-abuse service works with one person: it is never a referral of the couple."""
    if details.kind is ReferralKind.DOMESTIC_ABUSE and details.partner is None:
        raise Problem(
            "for_whom",
            "Refer one partner to a domestic-abuse service: it works with each person apart, "
            "never with the couple together.",
        )


def new_referral(case: Case, details: ReferralDetails, by: User, now: datetime) -> Referral:
    """Record a referral of a partner of ``case`` (or the couple)."""
    check_referral(details)
    referral = Referral(case_id=case.id, created_by_id=by.id, created_at=now, updated_at=now)
    _apply(referral, details, now)
    db.session.add(referral)
    return referral


def change_referral(referral: Referral, details: ReferralDetails, now: datetime) -> list[str]:
    """Bring ``referral`` up to ``details``; the names of what changed."""
    check_referral(details)
    before = _facts(referral)
    _apply(referral, details, now)
    changed = [name for name, value in _facts(referral).items() if before[name] != value]
    if changed:
        referral.updated_at = now
    return changed


def _apply(referral: Referral, details: ReferralDetails, now: datetime) -> None:
    referral.partner = details.partner
    referral.partner_id = details.partner.id if details.partner else None
    referral.kind = details.kind
    referral.service = details.service.strip()
    referral.service_address = details.service_address.strip()
    referral.reason = details.reason.strip()
    referral.referred_on = details.referred_on
    referral.status = details.status
    if details.given and referral.given_at is None:
        referral.given_at = now
    elif not details.given:
        referral.given_at = None


def _facts(referral: Referral) -> dict:
    return {
        "partner": referral.partner_id,
        "kind": referral.kind,
        "service": referral.service,
        "service_address": referral.service_address,
        "reason": referral.reason,
        "referred_on": referral.referred_on,
        "status": referral.status,
        "given": referral.given_at is not None,
    }
