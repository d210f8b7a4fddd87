"""What each partner must still sign before a session, and the hold it puts on booking.

A couple is seen together only once both partners have signed the current version
of each document the practice requires (``rules.REQUIRED``): for a session in
person, consent to counselling, the confidentiality policy and the privacy
notice; for a session by video, consent to video sessions as well. Until then the
counsellor can still book or record a joint session by giving a reason, which is
kept with the session and put on the audit trail (``practice.calendar.booking``,
which asks with ``rules.VIDEO`` for a session by video). The portal asks each partner
for what they still have to sign (``practice.portal.first_steps``).
"""

from collections import defaultdict

import sqlalchemy as sa

from practice.cases.models import Case, Partner
from practice.consent.documents import current_documents
from practice.consent.models import ConsentDocument, ConsentSignature
from practice.consent.rules import IN_PERSON, missing
from practice.extensions import db


def missing_for(case: Case, partner: Partner, kind: str = IN_PERSON) -> list[ConsentDocument]:
    """The current documents ``partner`` of ``case`` has still to sign before a session of
    ``kind`` (``"in-person"`` or ``"video"``); empty when nothing is missing."""
    return missing_in(case, kind).get(partner.position, [])


def missing_in(case: Case, kind: str = IN_PERSON) -> dict[str, list[ConsentDocument]]:
    """For each partner of ``case`` (by position), the current documents they have still to
    sign before a session of ``kind``. Two queries, whatever the case."""
    current = current_documents()
    if not current:
        return {p.position: [] for p in case.partners}
    signed: dict[int, set[int]] = defaultdict(set)
    for partner_id, document_id in db.session.execute(
        sa.select(ConsentSignature.partner_id, ConsentSignature.document_id).where(
            ConsentSignature.case_id == case.id
        )
    ):
        signed[partner_id].add(document_id)
    ids = {k.value: d.id for k, d in current.items()}
    by_kind = {k.value: d for k, d in current.items()}
    return {
        p.position: [by_kind[k] for k in missing(ids, signed[p.id], kind)] for p in case.partners
    }


def gap(case: Case, kind: str = IN_PERSON) -> list[str]:
    """What is missing, a line for each partner, for the counsellor; empty when nothing is."""
    lines = []
    missing_now = missing_in(case, kind)
    for partner in case.partners:
        documents = missing_now.get(partner.position, [])
        if documents:
            titles = ", ".join(d.title for d in documents)
            no_portal = "" if partner.has_portal else " (no portal login yet)"
            lines.append(f"{partner.first_name} has not signed: {titles}{no_portal}.")
    return lines


CONSENT_REASON_NEEDED = (
    "Both partners must sign the practice's current consent documents before you see them "
    "together. To book or record this session anyway, say why: it is kept with the session, "
    "for you alone, and noted on the audit trail."
)


def joint_session_problem(
    case: Case, invitees, reason: str | None, kind: str = IN_PERSON
) -> str | None:
    """Why a session with both partners cannot be booked or recorded as it stands; None if
    it can (one partner alone, everything signed, or a reason given)."""
    if not case.is_couple or invitees or (reason or "").strip():
        return None
    missing_now = missing_in(case, kind)
    return CONSENT_REASON_NEEDED if any(missing_now.values()) else None
