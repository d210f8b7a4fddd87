"""The database triggers that keep published consent documents and signatures unchanged.

Made by the migration that made the tables, which keeps its own copy of this SQL
(a test checks the two agree). Only the test suite's clean-up passes them,
inside one transaction: nothing in them is encrypted, so key rotation never
needs to.
"""

import sqlalchemy as sa

from practice.locks import Lock, postgres_triggers, sqlite_triggers, triggers_lifted

LOCKS = (
    Lock(
        "consent_documents",
        "a published consent document",
        once="published_at",
        name="consent_documents_published",
    ),
    Lock("consent_signatures", "signatures"),
)
SQLITE_TRIGGERS = sqlite_triggers(LOCKS)
POSTGRES_TRIGGERS = postgres_triggers(LOCKS)


def consent_locks_lifted(connection: sa.Connection):
    """Within the caller's transaction, let fixed rows be written; restore on the way out."""
    return triggers_lifted(connection, LOCKS)
