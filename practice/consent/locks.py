"""The database triggers that keep published consent documents and signatures unchanged.

Made by the migration that made the tables, which keeps its own copy of this SQL
(a test checks the two agree). Only the test suite's clean-up passes them,
inside one transaction: nothing in them is encrypted, so key rotation never
needs to.
"""

from practice.locks import Lock, Locks

LOCKS = Locks(
    Lock(
        "consent_documents",
        "a published consent document",
        once="published_at",
        name="consent_documents_published",
    ),
    Lock("consent_signatures", "signatures"),
)
