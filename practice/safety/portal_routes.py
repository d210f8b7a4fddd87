"""A partner's own safety plan and the referral letters given to them, in the portal.

Reached only through ``current_partner()``: a partner without a plan in their
portal, or asking for a letter not given to them, gets the same 404 as for
anything that does not exist. The way in is a link on the Support page, which
every partner has, so the other partner's portal looks the same either way.
"""

from flask import Blueprint, render_template

from practice import audit
from practice.auth.access import client_required
from practice.portal.access import current_partner
from practice.safety import access, letters
from practice.safety.models import PLAN_PARTS
from practice.settings import practice_settings

bp = Blueprint("portal_safety", __name__)


@bp.get("/safety-plan")
@client_required
def plan():
    """The safety plan the counsellor wrote with this partner."""
    partner = current_partner()
    plan = access.own_plan_or_404(partner)
    audit.record("safety_plan.view", plan, reader=partner.position, by="client")
    return render_template(
        "safety/portal_plan.html",
        partner=partner,
        plan=plan,
        parts=PLAN_PARTS,
        settings=practice_settings(),
    )


@bp.get("/safety-plan.pdf")
@client_required
def plan_pdf():
    """The partner's own safety plan, to print."""
    return letters.plan_pdf(access.own_plan_or_404(current_partner()), by="client")


@bp.get("/letters/<int:referral_id>.pdf")
@client_required
def referral_letter(referral_id: int):
    """A referral letter the counsellor gave to this partner."""
    partner = current_partner()
    referral = access.given_referral_or_404(partner, referral_id)
    return letters.letter_pdf(referral, partner.case, by="client")
