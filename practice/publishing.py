"""Documents the practice keeps in versions, each a draft until it is published.

The consent documents and the intake form are both written as a draft, published
once, and then fixed: a new wording is a new version. What publishing fixes, and
the locks that keep it fixed, each capability declares for itself.
"""

from datetime import datetime

from sqlalchemy.orm import Mapped, declared_attr, relationship

from practice.auth.models import User
from practice.columns import timestamp, user_fk


class PublishedVersion:
    """One version of a document: when it was written and changed, and who published it when."""

    created_at: Mapped[timestamp]
    updated_at: Mapped[timestamp]
    published_at: Mapped[datetime | None]
    # None where Mend published the version itself (its own intake form, when first needed).
    published_by_id: Mapped[user_fk | None]

    @declared_attr
    def published_by(cls) -> Mapped[User | None]:
        # Named, as a document may have its author's user key too.
        return relationship(User, foreign_keys=f"{cls.__name__}.published_by_id")

    @property
    def published(self) -> bool:
        return self.published_at is not None
