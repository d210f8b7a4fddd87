"""The outbox: every message Mend sends, or would send without SMTP."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from practice.columns import intpk, timestamp
from practice.crypto import EncryptedText
from practice.extensions import db


class OutboundEmail(db.Model):
    """A message to someone: sent when SMTP is configured, kept here either way."""

    __tablename__ = "outbound_emails"

    id: Mapped[intpk]
    kind: Mapped[str] = mapped_column(sa.String(40), index=True)
    to: Mapped[str | None] = mapped_column(sa.String(254))
    subject: Mapped[str] = mapped_column(sa.String(200))
    # What the owner reads: one-time links masked.
    body: Mapped[str] = mapped_column(sa.Text)
    # The whole message, links and all, encrypted, while it still has to be
    # delivered; blanked once it is sent, or once its link is used or replaced.
    kept_body: Mapped[str | None] = mapped_column(EncryptedText)
    case_id: Mapped[int | None] = mapped_column(index=True)
    created_at: Mapped[timestamp] = mapped_column(index=True)
    sent_at: Mapped[datetime | None]
    error: Mapped[str | None] = mapped_column(sa.String(500))
