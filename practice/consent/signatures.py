"""A partner signs a version of a consent document, in their portal.

A signature keeps the full name the partner typed, when, from which address,
which version they read and the SHA-256 of its exact text. It is never changed
or taken back: a newer version of the document is signed anew.
"""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from practice.auth.models import User
from practice.cases.models import Case, Partner
from practice.consent.models import ConsentDocument, ConsentSignature
from practice.consent.rules import NAME_MAX, same_name
from practice.extensions import db
from practice.idempotency import add_once
from practice.problems import FieldProblem

NEWER = (
    "The practice published a new version of this document while you were reading it, so "
    "nothing was signed. Please read the version below, then sign it."
)


class SignProblem(FieldProblem):
    """A signature that cannot be made, said for the field it belongs to."""


def sign(
    partner: Partner,
    document: ConsentDocument,
    *,
    shown_id: int | None,
    typed_name: str,
    agreed: bool,
    address: str,
    user: User,
    now: datetime,
) -> tuple[ConsentSignature, bool]:
    """Record ``partner``'s signature of ``document`` (the version they were shown, named
    by ``shown_id``); (the signature, whether this call made it)."""
    if shown_id != document.id:
        raise SignProblem("form", NEWER)
    typed = " ".join(typed_name.split())
    if not typed:
        raise SignProblem("typed_name", "Type your full name to sign.")
    if len(typed) > NAME_MAX:
        raise SignProblem("typed_name", f"Keep your name under {NAME_MAX} characters.")
    if not same_name(typed, partner.name):
        raise SignProblem(
            "typed_name",
            f"Type your full name as the practice has it: {partner.name}. If that is not how "
            "your name should read, tell your counsellor, who can correct it.",
        )
    if not agreed:
        raise SignProblem("agree", "Tick the box to say you have read the document and agree.")
    if not document.intact:
        raise SignProblem(
            "form",
            "This document does not match the version the practice published, so it cannot "
            "be signed. Please tell your counsellor.",
        )
    found = signature_of(partner, document)
    if found is not None:
        return found, False
    signature = ConsentSignature(
        case_id=partner.case_id,
        partner_id=partner.id,
        document_id=document.id,
        typed_name=typed,
        signed_at=now,
        text_sha256=document.digest(),
        signed_from=(address or "unknown")[:64],
        user_id=user.id,
    )
    # The same signature sent twice at once is kept once.
    return add_once(signature, lambda: signature_of(partner, document))


def signature_of(partner: Partner, document: ConsentDocument) -> ConsentSignature | None:
    return db.session.scalar(
        sa.select(ConsentSignature).where(
            ConsentSignature.partner_id == partner.id,
            ConsentSignature.document_id == document.id,
        )
    )


def signatures_of(partner: Partner) -> list[ConsentSignature]:
    """The partner's own signatures, newest first, with the documents signed."""
    return _newest_first(ConsentSignature.partner_id == partner.id)


def signatures_in(case: Case) -> list[ConsentSignature]:
    """Every signature of the case's partners, newest first, for the counsellor."""
    return _newest_first(ConsentSignature.case_id == case.id)


def _newest_first(whose) -> list[ConsentSignature]:
    return db.session.scalars(
        sa.select(ConsentSignature)
        .where(whose)
        .options(joinedload(ConsentSignature.document))
        .order_by(ConsentSignature.signed_at.desc(), ConsentSignature.id.desc())
    ).all()
