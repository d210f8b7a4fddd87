"""Who reaches which case: the one place it is decided.

Every view that touches a case, or anything inside one, loads it through
:func:`get_case_or_404`, which only finds cases in the logged-in counsellor's
own caseload. Anything else, existing or not, is a 404: nobody learns that a
case they cannot see is there. (The owner manages accounts, not clinical
records, and reaches only cases they counsel themselves.)
"""

import sqlalchemy as sa
from flask import abort
from flask_login import current_user
from sqlalchemy.orm import selectinload

from practice.bounds import id_or_none
from practice.cases.models import Case, CaseStatus, Partner
from practice.extensions import db


def caseload(user=None) -> sa.Select:
    """The cases of ``user`` (default: the current user) as a query to refine."""
    user = user or current_user
    return sa.select(Case).where(Case.counsellor_id == user.id)


def get_case_or_404(case_id: int, *options) -> Case:
    """The case, if it is the current counsellor's; 404 otherwise."""
    if not current_user.is_authenticated or not current_user.can_counsel:
        abort(404)
    # unique() and one_or_none(): an option may join a collection in (the case page's
    # screenings), whose rows must all be read for the collection to be whole.
    case = (
        db.session.scalars(
            caseload()
            .where(Case.id == case_id)
            .options(selectinload(Case.partners), selectinload(Case.concern_links), *options)
        )
        .unique()
        .one_or_none()
    )
    if case is None:
        abort(404)
    return case


def open_cases() -> list[Case]:
    """The current counsellor's cases that are not closed, by label: the cases homework can
    be given to from outside a case (the catalogue's "Assign to a case…")."""
    if not current_user.is_authenticated or not current_user.can_counsel:
        return []
    return list(
        db.session.scalars(
            caseload()
            .where(Case.status != CaseStatus.CLOSED)
            .options(selectinload(Case.partners), selectinload(Case.open_alerts))
            .order_by(Case.label, Case.id)
        )
    )


def case_named_in(args) -> Case | None:
    """The case a catalogue page is being read for (``?case=<id>``), checked like any other
    load: None when no case is named, 404 when it is not the counsellor's."""
    raw = args.get("case", "")
    if not raw:
        return None
    case_id = id_or_none(raw)
    if case_id is None:
        abort(404)
    return get_case_or_404(case_id)


def get_partner_or_404(case: Case, partner_id: int) -> Partner:
    """A partner of ``case`` (already access-checked) by id."""
    partner = next((p for p in case.partners if p.id == partner_id), None)
    if partner is None:
        abort(404)
    return partner


def partner_at_or_404(case: Case, position: str) -> Partner:
    """Partner A or B of ``case`` (already access-checked); a one-person case has no B."""
    partner = case.partner(position)
    if partner is None:
        abort(404)
    return partner
