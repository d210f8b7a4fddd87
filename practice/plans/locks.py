"""The database triggers that keep signed plans, their addenda and reviews unchanged.

They are created by the migration that made the tables (which keeps its own
copy of this SQL, as migrations must; a test checks the two agree). The same
two writers as for notes may pass them, each inside one transaction:
re-encrypting under a new key and the test suite's clean-up.
"""

import sqlalchemy as sa

from practice.database import triggers_lifted

SQLITE_TRIGGERS = {
    "treatment_plans_signed_no_update": """
        CREATE TRIGGER treatment_plans_signed_no_update BEFORE UPDATE ON treatment_plans
        WHEN OLD.signed_at IS NOT NULL
        BEGIN SELECT RAISE(ABORT, 'signed treatment plans cannot be changed'); END""",
    "treatment_plans_signed_no_delete": """
        CREATE TRIGGER treatment_plans_signed_no_delete BEFORE DELETE ON treatment_plans
        WHEN OLD.signed_at IS NOT NULL
        BEGIN SELECT RAISE(ABORT, 'signed treatment plans are kept for good'); END""",
    "treatment_plan_addenda_no_update": """
        CREATE TRIGGER treatment_plan_addenda_no_update BEFORE UPDATE ON treatment_plan_addenda
        BEGIN SELECT RAISE(ABORT, 'plan addenda cannot be changed'); END""",
    "treatment_plan_addenda_no_delete": """
        CREATE TRIGGER treatment_plan_addenda_no_delete BEFORE DELETE ON treatment_plan_addenda
        BEGIN SELECT RAISE(ABORT, 'plan addenda are kept for good'); END""",
    "treatment_plan_reviews_no_update": """
        CREATE TRIGGER treatment_plan_reviews_no_update BEFORE UPDATE ON treatment_plan_reviews
        BEGIN SELECT RAISE(ABORT, 'plan reviews cannot be changed'); END""",
    "treatment_plan_reviews_no_delete": """
        CREATE TRIGGER treatment_plan_reviews_no_delete BEFORE DELETE ON treatment_plan_reviews
        BEGIN SELECT RAISE(ABORT, 'plan reviews are kept for good'); END""",
}
POSTGRES_TRIGGERS = (
    "treatment_plans_lock ON treatment_plans",
    "treatment_plan_addenda_lock ON treatment_plan_addenda",
    "treatment_plan_reviews_lock ON treatment_plan_reviews",
)


def locks_lifted(connection: sa.Connection):
    """Within the caller's transaction, let signed rows be written; restore on the way out."""
    return triggers_lifted(connection, sqlite=SQLITE_TRIGGERS, postgres=list(POSTGRES_TRIGGERS))
