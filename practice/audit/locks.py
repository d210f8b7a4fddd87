"""The database triggers that keep the audit trail append-only.

The app never changes or deletes an audit event (``practice/audit/models.py``
refuses it in the ORM); these triggers refuse it to hand-written SQL too, so
that the trail of who read and changed a record cannot be quietly edited. The
migration that made them keeps its own copy of this SQL, as migrations must; a
test checks the two agree. The test suite's clean-up is the one writer let
through, inside one transaction (``LOCKS.lifted``).
"""

from practice.locks import Lock, Locks

LOCKS = Locks(
    Lock(
        "audit_events",
        changed="audit events are append-only",
        kept="audit events are append-only",
        postgres_name="audit_events_append_only",
    )
)
