"""Finding consent documents and signatures: signatures inside a case loaded through
``get_case_or_404`` for the counsellor, inside ``current_partner()``'s own reach for a
client (never the other partner's). Anything else is a 404."""

import sqlalchemy as sa
from flask import abort
from sqlalchemy.orm import joinedload

from practice import audience
from practice.cases.models import Case, Partner
from practice.consent.documents import current_documents, version_of
from practice.consent.models import ConsentDocument, ConsentSignature, DocumentKind
from practice.extensions import db


def kind_or_404(name: str) -> DocumentKind:
    try:
        return DocumentKind(name)
    except ValueError:
        abort(404)


def current_or_404(kind: DocumentKind) -> ConsentDocument:
    """The version of ``kind`` partners sign now; 404 while the practice has none."""
    document = current_documents().get(kind)
    if document is None:
        abort(404)
    return document


def version_or_404(kind: DocumentKind, version: int) -> ConsentDocument:
    document = version_of(kind, version)
    if document is None:
        abort(404)
    return document


#: What a signed copy prints besides the signature.
_WITH_DOCUMENT = (joinedload(ConsentSignature.document), joinedload(ConsentSignature.partner))


def signature_in_case_or_404(case: Case, signature_id: int) -> ConsentSignature:
    """A signature of a partner of ``case`` (already access-checked)."""
    return db.first_or_404(
        sa.select(ConsentSignature)
        .where(ConsentSignature.id == signature_id, ConsentSignature.case_id == case.id)
        .options(*_WITH_DOCUMENT)
    )


def own_signature_or_404(reader: Partner, signature_id: int) -> ConsentSignature:
    """One of the reader's own signatures."""
    signature = db.first_or_404(
        audience.signatures_for(reader)
        .where(ConsentSignature.id == signature_id)
        .options(*_WITH_DOCUMENT)
    )
    if not audience.may_read(reader, audience.of_signature(signature)):
        abort(404)
    return signature
