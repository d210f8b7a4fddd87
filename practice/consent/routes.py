"""The counsellor's view of a case's consent: who signed what, and signed copies."""

import sqlalchemy as sa
from flask import Blueprint, render_template

from practice.auth.access import counsellor_required
from practice.cases.access import get_case_or_404
from practice.consent import access, letters
from practice.consent.documents import current_documents
from practice.consent.gate import gap, missing_in
from practice.consent.models import DOCUMENT_KINDS
from practice.consent.rules import VIDEO
from practice.consent.signatures import signatures_in
from practice.extensions import db
from practice.sessions.models import Session

bp = Blueprint("consent", __name__)


@bp.get("/consent")
@counsellor_required
def index(case_id: int):
    """Each partner's signatures, checked against the text signed, and the joint sessions
    booked before both had signed, with the reasons given."""
    case = get_case_or_404(case_id)
    signatures = signatures_in(case)
    overrides = db.session.scalars(
        sa.select(Session)
        .where(Session.case_id == case.id, Session.consent_reason.is_not(None))
        .order_by(Session.starts_at.desc())
    ).all()
    missing = missing_in(case)
    video_also = {
        position: [d for d in documents if d not in missing[position]]
        for position, documents in missing_in(case, VIDEO).items()
    }
    return render_template(
        "consent/case.html",
        case=case,
        current=current_documents(),
        kinds=DOCUMENT_KINDS,
        signatures=signatures,
        missing=missing,
        video_also=video_also,
        gap=gap(case),
        overrides=overrides,
    )


@bp.get("/consent/signatures/<int:signature_id>.pdf")
@counsellor_required
def signed_copy(case_id: int, signature_id: int):
    """A partner's signed copy, as they can download it, for the file."""
    case = get_case_or_404(case_id)
    signature = access.signature_in_case_or_404(case, signature_id)
    return letters.signed_copy_pdf(signature, by="counsellor")
