"""A signed copy of a consent document: plain data, then a PDF.

Built for one reader like every report: the partner who signed, with their own
signature only (the counsellor's copy for the file is the same document). The
hash of the text is checked again as the copy is made and the result printed.
"""

from dataclasses import dataclass

from flask import Response

from practice.admin.models import PracticeSettings
from practice.consent.models import ConsentSignature
from practice.consent.rules import blocks
from practice.dates import format_datetime, local
from practice.reports.data import Letterhead, letterhead
from practice.reports.downloads import as_download
from practice.settings import practice_settings


@dataclass(frozen=True)
class SignedCopy:
    head: Letterhead
    title: str
    version: int
    policy: str
    blocks: tuple[tuple[str, str], ...]
    signer: str  # the partner's name on file
    typed_name: str
    signed_at: str
    signed_from: str
    sha256: str
    verified: bool


def signed_copy(signature: ConsentSignature, settings: PracticeSettings) -> SignedCopy:
    """The document as signed, and the signature, for the partner who made it."""
    document = signature.document
    name = signature.partner.name
    return SignedCopy(
        head=letterhead(settings, "Signed copy", name, local(signature.signed_at).date(), name),
        title=document.title,
        version=document.version,
        policy=document.policy_label,
        blocks=tuple(blocks(document.body)),
        signer=name,
        typed_name=signature.typed_name,
        signed_at=format_datetime(signature.signed_at),
        signed_from=signature.signed_from,
        sha256=signature.text_sha256,
        verified=signature.verified,
    )


def signed_copy_pdf(signature: ConsentSignature, *, by: str) -> Response:
    """The signed copy's PDF, recorded on the audit trail; a file name that says little."""
    day = local(signature.signed_at).date().isoformat()
    return as_download(
        "consent/signed_copy.html",
        signed_copy(signature, practice_settings()),
        f"signed-{signature.document.kind.value}-{day}.pdf",
        signature,
        report="signed-consent",
        reader=signature.partner.position,
        by=by,
    )
