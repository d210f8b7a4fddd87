"""The owner's consent documents: a draft of each, published as fixed versions.

Nothing is asked of partners until the owner publishes a document. Mend's own
texts (``texts/``) are templates the practice must review: the owner starts a
draft from one, edits it, and publishes; a draft that still carries the
template's note cannot be published. Each publication is a new version; earlier
versions stay, with the signatures given to them.
"""

from datetime import datetime
from pathlib import Path

import sqlalchemy as sa

from practice.auth.models import User
from practice.consent.models import (
    ConfidentialityPolicy,
    ConsentDocument,
    DocumentKind,
)
from practice.consent.rules import BODY_MAX, TITLE_MAX, normalised, text_digest
from practice.extensions import db
from practice.problems import FieldProblem

TEXTS = Path(__file__).resolve().parent / "texts"
#: The first line of every template: a practice publishes its text only once it is gone.
TEMPLATE_NOTE = "TEMPLATE FROM MEND"


class DocumentProblem(FieldProblem):
    """A document that breaks a rule, said for the field it belongs to."""


def template(kind: DocumentKind, policy: ConfidentialityPolicy | None = None) -> tuple[str, str]:
    """Mend's starting text for ``kind``: (title, body). The confidentiality document has
    one for each policy (the "limited secrets" one unless told)."""
    name = kind.value
    if kind is DocumentKind.CONFIDENTIALITY:
        name += "-" + (policy or ConfidentialityPolicy.LIMITED_SECRETS).value
    title, _, body = (TEXTS / f"{name}.txt").read_text(encoding="utf-8").partition("\n\n")
    return title.strip(), normalised(body)


def current_documents() -> dict[DocumentKind, ConsentDocument]:
    """The current (latest published) version of each document the practice has published."""
    latest = (
        sa.select(ConsentDocument.kind, sa.func.max(ConsentDocument.version).label("version"))
        .where(ConsentDocument.published_at.is_not(None))
        .group_by(ConsentDocument.kind)
        .subquery()
    )
    documents = db.session.scalars(
        sa.select(ConsentDocument).join(
            latest,
            sa.and_(
                ConsentDocument.kind == latest.c.kind, ConsentDocument.version == latest.c.version
            ),
        )
    )
    return {d.kind: d for d in documents}


def draft_of(kind: DocumentKind) -> ConsentDocument | None:
    return db.session.scalar(
        sa.select(ConsentDocument).where(
            ConsentDocument.kind == kind, ConsentDocument.published_at.is_(None)
        )
    )


def drafts() -> dict[DocumentKind, ConsentDocument]:
    return {
        d.kind: d
        for d in db.session.scalars(
            sa.select(ConsentDocument).where(ConsentDocument.published_at.is_(None))
        )
    }


def versions_of(kind: DocumentKind) -> list[ConsentDocument]:
    """Every published version of ``kind``, newest first."""
    return db.session.scalars(
        sa.select(ConsentDocument)
        .where(ConsentDocument.kind == kind, ConsentDocument.published_at.is_not(None))
        .options(sa.orm.selectinload(ConsentDocument.published_by))
        .order_by(ConsentDocument.version.desc())
    ).all()


def version_of(kind: DocumentKind, version: int) -> ConsentDocument | None:
    return db.session.scalar(
        sa.select(ConsentDocument).where(
            ConsentDocument.kind == kind,
            ConsentDocument.version == version,
            ConsentDocument.published_at.is_not(None),
        )
    )


def save_draft(
    kind: DocumentKind,
    title: str,
    body: str,
    policy: ConfidentialityPolicy | None,
    by: User,
    now: datetime,
) -> ConsentDocument:
    """Keep the owner's text as the draft of the next version of ``kind``."""
    title, body = " ".join(title.split()), normalised(body)
    if not title:
        raise DocumentProblem("title", "Give the document a title.")
    if len(title) > TITLE_MAX:
        raise DocumentProblem("title", f"Keep the title under {TITLE_MAX} characters.")
    if not body.strip():
        raise DocumentProblem("body", "Write the text partners will read and sign.")
    if len(body) > BODY_MAX:
        raise DocumentProblem("body", f"Keep the text under {BODY_MAX:,} characters.")
    if kind is DocumentKind.CONFIDENTIALITY and policy is None:
        raise DocumentProblem("policy", "Choose which policy this document states.")
    draft = draft_of(kind)
    if draft is None:
        latest = db.session.scalar(
            sa.select(sa.func.max(ConsentDocument.version)).where(ConsentDocument.kind == kind)
        )
        draft = ConsentDocument(kind=kind, version=(latest or 0) + 1, written_by_id=by.id)
        draft.created_at = now
        db.session.add(draft)
    draft.title, draft.body = title, body
    draft.policy = policy if kind is DocumentKind.CONFIDENTIALITY else None
    draft.written_by_id = by.id
    draft.updated_at = now
    db.session.flush()
    return draft


def publish(kind: DocumentKind, by: User, now: datetime) -> ConsentDocument:
    """Fix the draft of ``kind`` as its current version, with the hash of its text."""
    draft = draft_of(kind)
    if draft is None:
        raise DocumentProblem("form", "There is no draft to publish: save one first.")
    if TEMPLATE_NOTE in draft.body or TEMPLATE_NOTE in draft.title:
        raise DocumentProblem(
            "body",
            f"The text still carries the “{TEMPLATE_NOTE}” note. Review the whole text, fill "
            "in the parts in [square brackets], take the note out, and save before publishing.",
        )
    current = current_documents().get(kind)
    if current is not None and (current.title, current.body, current.policy) == (
        draft.title,
        draft.body,
        draft.policy,
    ):
        raise DocumentProblem(
            "form", "The draft is the same as the version in use: there is nothing to publish."
        )
    draft.text_sha256 = text_digest(draft.title, draft.body)
    draft.published_at = now
    draft.published_by_id = by.id
    draft.updated_at = now
    db.session.flush()
    return draft


def discard_draft(kind: DocumentKind) -> None:
    db.session.execute(
        sa.delete(ConsentDocument).where(
            ConsentDocument.kind == kind, ConsentDocument.published_at.is_(None)
        )
    )
