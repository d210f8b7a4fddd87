"""The database triggers that keep published intake forms and sent answers unchanged.

Made by the migration that made the tables, which keeps its own copy of this SQL
(a test checks the two agree). Two writers may pass them, each inside one
transaction: re-encrypting under a new key (``flask --app wsgi rotate-keys``) and
the test suite's clean-up.
"""

import sqlalchemy as sa

from practice.database import triggers_lifted

SQLITE_TRIGGERS = {
    "intake_forms_published_no_update": """
        CREATE TRIGGER intake_forms_published_no_update BEFORE UPDATE ON intake_forms
        WHEN OLD.published_at IS NOT NULL
        BEGIN SELECT RAISE(ABORT, 'a published intake form cannot be changed'); END""",
    "intake_forms_published_no_delete": """
        CREATE TRIGGER intake_forms_published_no_delete BEFORE DELETE ON intake_forms
        WHEN OLD.published_at IS NOT NULL
        BEGIN SELECT RAISE(ABORT, 'a published intake form is kept for good'); END""",
    "intake_answers_sent_no_update": """
        CREATE TRIGGER intake_answers_sent_no_update BEFORE UPDATE ON intake_answers
        WHEN OLD.submitted_at IS NOT NULL
        BEGIN SELECT RAISE(ABORT, 'sent intake answers cannot be changed'); END""",
    "intake_answers_sent_no_delete": """
        CREATE TRIGGER intake_answers_sent_no_delete BEFORE DELETE ON intake_answers
        WHEN OLD.submitted_at IS NOT NULL
        BEGIN SELECT RAISE(ABORT, 'sent intake answers are kept for good'); END""",
}
POSTGRES_TRIGGERS = ("intake_forms_lock ON intake_forms", "intake_answers_lock ON intake_answers")


def intake_locks_lifted(connection: sa.Connection):
    """Within the caller's transaction, let fixed rows be written; restore on the way out."""
    return triggers_lifted(connection, sqlite=SQLITE_TRIGGERS, postgres=list(POSTGRES_TRIGGERS))
