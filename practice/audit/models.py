"""The audit trail: who did what to which record, when, from where."""

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from practice.audit.values import shown
from practice.auth.models import User
from practice.columns import intpk, timestamp, user_fk
from practice.extensions import db


class AuditEvent(db.Model):
    """One thing that happened. Rows are only ever added, never changed."""

    __tablename__ = "audit_events"
    __table_args__ = (sa.Index("ix_audit_events_case_at", "case_id", "at"),)

    id: Mapped[intpk]
    at: Mapped[timestamp] = mapped_column(index=True)
    actor_id: Mapped[user_fk | None] = mapped_column(index=True)
    action: Mapped[str] = mapped_column(sa.String(64), index=True)
    object_type: Mapped[str | None] = mapped_column(sa.String(40))
    object_id: Mapped[int | None]
    # Clinical events name their case so the trail of one couple can be read.
    case_id: Mapped[int | None]
    ip: Mapped[str | None] = mapped_column(sa.String(45))
    detail: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)

    actor: Mapped[User | None] = relationship()

    @property
    def shown_detail(self) -> dict[str, Any]:
        """The detail as the owner's audit page shows it: nothing clinical."""
        return shown(self.action, self.actor_id, self.detail)

    def __repr__(self) -> str:
        return f"<AuditEvent {self.id} {self.action}>"


@sa.event.listens_for(AuditEvent, "before_update")
@sa.event.listens_for(AuditEvent, "before_delete")
def _refuse_change(mapper, connection, target):
    raise PermissionError("audit events are append-only")
