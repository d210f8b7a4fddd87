"""The database triggers that keep the audit trail append-only.

The app never changes or deletes an audit event (``practice/audit/models.py``
refuses it in the ORM); these triggers refuse it to hand-written SQL too, so
that the trail of who read and changed a record cannot be quietly edited. The
migration that made them keeps its own copy of this SQL, as migrations must; a
test checks the two agree. The test suite's clean-up is the one writer let
through, inside one transaction (:func:`audit_lock_lifted`).
"""

import sqlalchemy as sa

from practice.database import triggers_lifted

SQLITE_TRIGGERS = {
    "audit_events_no_update": """
        CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
        BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END""",
    "audit_events_no_delete": """
        CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
        BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END""",
}
POSTGRES_TRIGGER = "audit_events_append_only ON audit_events"


def audit_lock_lifted(connection: sa.Connection):
    """Within the caller's transaction, let audit rows be changed; restore on the way out."""
    return triggers_lifted(connection, sqlite=SQLITE_TRIGGERS, postgres=[POSTGRES_TRIGGER])
