"""Where each partner of a case stands with the practice's documents, for the counsellor."""

from dataclasses import dataclass

import sqlalchemy as sa

from practice.cases.models import Case, Partner
from practice.consent.models import (
    DOCUMENT_KINDS,
    ConsentDocument,
    ConsentSignature,
    DocumentKind,
)
from practice.consent.rules import IN_PERSON, REQUIRED, VIDEO
from practice.extensions import db


@dataclass(frozen=True)
class Standing:
    """One partner and one document: the current version, and what they signed of it."""

    document: ConsentDocument
    signature: ConsentSignature | None  # of the current version
    older: ConsentSignature | None  # their latest of an earlier version, when not the current
    video_only: bool  # asked for sessions by video alone


def standings(case: Case) -> dict[str, list[Standing]]:
    """For each partner (by position), each document the practice has published. One
    query, whatever the case: every published version, with the case's signatures."""
    current, signatures = _published_with(ConsentSignature, ConsentSignature.case_id == case.id)
    signatures.sort(key=lambda s: (s.signed_at, s.id), reverse=True)
    video_only = set(REQUIRED[VIDEO]) - set(REQUIRED["in-person"])
    found: dict[str, list[Standing]] = {}
    for partner in case.partners:
        theirs = [s for s in signatures if s.partner_id == partner.id]
        rows = []
        for kind in DOCUMENT_KINDS:
            if kind not in current:
                continue
            document = current[kind]
            signed = next((s for s in theirs if s.document_id == document.id), None)
            older = None
            if signed is None:
                older = next((s for s in theirs if s.document.kind is kind), None)
            rows.append(Standing(document, signed, older, kind.value in video_only))
        found[partner.position] = rows
    return found


def to_sign(partner: Partner, session_kind: str = IN_PERSON) -> list[ConsentDocument]:
    """The current documents ``partner`` has still to sign before a session of
    ``session_kind``, from their own signatures alone. One query."""
    current, signed_ids = _published_with(
        ConsentSignature.document_id, ConsentSignature.partner_id == partner.id
    )
    signed = set(signed_ids)
    return [
        current[kind]
        for kind in DOCUMENT_KINDS
        if kind in current
        and kind.value in REQUIRED[session_kind]
        and current[kind].id not in signed
    ]


def _published_with(what, whose) -> tuple[dict[DocumentKind, ConsentDocument], list]:
    """Every published version with the signatures ``whose`` picks, in one query: the
    current version of each kind, and ``what`` of each of those signatures."""
    current: dict[DocumentKind, ConsentDocument] = {}
    found = []
    for document, signature in db.session.execute(
        sa.select(ConsentDocument, what)
        .outerjoin(
            ConsentSignature,
            sa.and_(ConsentSignature.document_id == ConsentDocument.id, whose),
        )
        .where(ConsentDocument.published_at.is_not(None))
    ):
        if document.kind not in current or current[document.kind].version < document.version:
            current[document.kind] = document
        if signature is not None:
            found.append(signature)
    return current, found
