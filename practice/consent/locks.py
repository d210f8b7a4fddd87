"""The database triggers that keep published consent documents and signatures unchanged.

Made by the migration that made the tables, which keeps its own copy of this SQL
(a test checks the two agree). Only the test suite's clean-up passes them,
inside one transaction: nothing in them is encrypted, so key rotation never
needs to.
"""

import sqlalchemy as sa

from practice.database import triggers_lifted

SQLITE_TRIGGERS = {
    "consent_documents_published_no_update": """
        CREATE TRIGGER consent_documents_published_no_update BEFORE UPDATE ON consent_documents
        WHEN OLD.published_at IS NOT NULL
        BEGIN SELECT RAISE(ABORT, 'a published consent document cannot be changed'); END""",
    "consent_documents_published_no_delete": """
        CREATE TRIGGER consent_documents_published_no_delete BEFORE DELETE ON consent_documents
        WHEN OLD.published_at IS NOT NULL
        BEGIN SELECT RAISE(ABORT, 'a published consent document is kept for good'); END""",
    "consent_signatures_no_update": """
        CREATE TRIGGER consent_signatures_no_update BEFORE UPDATE ON consent_signatures
        BEGIN SELECT RAISE(ABORT, 'signatures cannot be changed'); END""",
    "consent_signatures_no_delete": """
        CREATE TRIGGER consent_signatures_no_delete BEFORE DELETE ON consent_signatures
        BEGIN SELECT RAISE(ABORT, 'signatures are kept for good'); END""",
}
POSTGRES_TRIGGERS = (
    "consent_documents_lock ON consent_documents",
    "consent_signatures_lock ON consent_signatures",
)


def consent_locks_lifted(connection: sa.Connection):
    """Within the caller's transaction, let fixed rows be written; restore on the way out."""
    return triggers_lifted(connection, sqlite=SQLITE_TRIGGERS, postgres=list(POSTGRES_TRIGGERS))
