"""Records signed with a hash of what was signed: notes, plan versions, their addenda, reviews.

Signing stores ``compute_hash()``, the SHA-256 of a canonical JSON of what the
signature covers, in ``content_hash``; ``intact`` says whether what is stored
still matches it. Each model says in ``compute_hash`` what its signature covers;
the mixins here declare the columns such records share.
"""

import hashlib
import json
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from practice.auth.models import User
from practice.columns import case_fk, timestamp, unique_token, user_fk
from practice.crypto import EncryptedText


def utc_text(moment: datetime | None) -> str | None:
    """A moment as it reads in UTC, however it was handed in, so the hash is stable."""
    return moment.astimezone(UTC).isoformat() if moment else None


def content_digest(content: dict) -> str:
    """The SHA-256 of ``content`` as canonical JSON (keys sorted, no spaces), in hex."""
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


class HashChecked:
    """A record that keeps, in ``content_hash``, the hash of what was signed."""

    def compute_hash(self) -> str:
        raise NotImplementedError

    @property
    def signed(self) -> bool:
        return self.signed_at is not None

    @property
    def intact(self) -> bool:
        """Whether what is stored still matches the hash taken when it was signed."""
        return self.signed and self.compute_hash() == self.content_hash


class SignedDraft(HashChecked):
    """A draft until the counsellor signs it; then signer, time and hash are kept."""

    signed_at: Mapped[datetime | None]
    signed_by_id: Mapped[user_fk | None]
    content_hash: Mapped[str | None] = mapped_column(sa.String(64))

    @declared_attr
    def signed_by(cls) -> Mapped[User | None]:
        # Named, as such a record has its author's user key too.
        return relationship(User, foreign_keys=f"{cls.__name__}.signed_by_id")


class SignedAsWritten(HashChecked):
    """Signed the moment it is written, and kept as written."""

    signed_at: Mapped[timestamp]
    content_hash: Mapped[str] = mapped_column(sa.String(64))
    form_token: Mapped[unique_token | None]


class AddendumColumns(SignedAsWritten):
    """A correction or addition to a signed record of a case: its text and who signed it."""

    case_id: Mapped[case_fk]
    body: Mapped[str] = mapped_column(EncryptedText)
    signed_by_id: Mapped[user_fk]

    @declared_attr
    def signed_by(cls) -> Mapped[User]:
        return relationship(User)
