"""The practice's consent documents, in versions, and each partner's signatures.

A version of a document is a draft while the owner writes it and fixed once
published (its text's SHA-256 is taken then). A signature is fixed from the
moment it is made: who typed which name, when, from where, to which version,
and the SHA-256 of the exact text they were shown. The locks are kept in the
ORM (below) and by database triggers (``practice.consent.locks``).
"""

import enum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from practice.cases.models import Partner
from practice.columns import case_fk, intpk, partner_fk, timestamp, user_fk
from practice.consent.rules import text_digest
from practice.database import enum_type
from practice.extensions import db
from practice.locks import FixedRecordError, refuse_changes  # noqa: F401 - what it raises
from practice.publishing import PublishedVersion
from practice.vocabulary import Labelled


class DocumentKind(enum.StrEnum):
    COUNSELLING = "counselling"
    CONFIDENTIALITY = "confidentiality"
    VIDEO = "video"
    PRIVACY = "privacy"


#: Each document by its usual name, in the order a partner is asked to read them.
DOCUMENT_KINDS = {
    DocumentKind.COUNSELLING: "Consent to counselling",
    DocumentKind.CONFIDENTIALITY: "Couples confidentiality policy",
    DocumentKind.PRIVACY: "Privacy notice",
    DocumentKind.VIDEO: "Consent to sessions by video",
}


class ConfidentialityPolicy(Labelled):
    NO_SECRETS = "no-secrets", "No secrets"
    LIMITED_SECRETS = "limited-secrets", "Limited secrets"


class ConsentDocument(PublishedVersion, db.Model):
    """One version of one of the practice's consent documents."""

    __tablename__ = "consent_documents"
    __table_args__ = (sa.UniqueConstraint("kind", "version"),)

    id: Mapped[intpk]
    kind: Mapped[DocumentKind] = mapped_column(enum_type(DocumentKind, "document_kind"))
    version: Mapped[int]
    title: Mapped[str] = mapped_column(sa.String(200))
    body: Mapped[str] = mapped_column(sa.Text)
    # For the confidentiality document: which of the two couples policies it states.
    policy: Mapped[ConfidentialityPolicy | None] = mapped_column(
        enum_type(ConfidentialityPolicy, "confidentiality_policy")
    )
    # SHA-256 of the title and body, taken when it is published.
    text_sha256: Mapped[str | None] = mapped_column(sa.String(64))
    written_by_id: Mapped[user_fk]

    def __repr__(self) -> str:
        return f"<ConsentDocument {self.kind.value} v{self.version}>"

    @property
    def kind_label(self) -> str:
        return DOCUMENT_KINDS[self.kind]

    @property
    def policy_label(self) -> str:
        return self.policy.label if self.policy else ""

    def digest(self) -> str:
        """SHA-256 of the text as it is stored now."""
        return text_digest(self.title, self.body)

    @property
    def intact(self) -> bool:
        """Whether the text still matches the hash taken when it was published."""
        return self.published and self.digest() == self.text_sha256


class ConsentSignature(db.Model):
    """A partner's signature of one version of a consent document."""

    __tablename__ = "consent_signatures"
    __table_args__ = (sa.UniqueConstraint("partner_id", "document_id"),)

    id: Mapped[intpk]
    case_id: Mapped[case_fk] = mapped_column(index=True)
    partner_id: Mapped[partner_fk] = mapped_column(index=True)
    document_id: Mapped[int] = mapped_column(sa.ForeignKey("consent_documents.id"))
    # The full name the partner typed to sign.
    typed_name: Mapped[str] = mapped_column(sa.String(200))
    signed_at: Mapped[timestamp]
    # SHA-256 of the exact text shown to them, as they signed.
    text_sha256: Mapped[str] = mapped_column(sa.String(64))
    # The address the signature came from, as Mend saw it (see MEND_TRUSTED_PROXIES).
    signed_from: Mapped[str] = mapped_column(sa.String(64))
    # The login that signed: the partner's own.
    user_id: Mapped[user_fk]

    document: Mapped[ConsentDocument] = relationship()
    partner: Mapped[Partner] = relationship()

    def __repr__(self) -> str:
        return f"<ConsentSignature {self.id} of partner {self.partner_id}>"

    @property
    def verified(self) -> bool:
        """Whether the document's text as stored now is the text that was signed."""
        return self.document.digest() == self.text_sha256


refuse_changes(
    ConsentDocument,
    once="published_at",
    words="a published document cannot be changed; publish a new version",
)
refuse_changes(ConsentSignature, words="signatures are kept as signed and cannot be changed")
