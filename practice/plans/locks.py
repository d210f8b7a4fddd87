"""The database triggers that keep signed plans, their addenda and reviews unchanged.

They are created by the migration that made the tables (which keeps its own
copy of this SQL, as migrations must; a test checks the two agree). The same
two writers as for notes may pass them, each inside one transaction:
re-encrypting under a new key and the test suite's clean-up.
"""

from practice.locks import Lock, Locks

LOCKS = Locks(
    Lock(
        "treatment_plans",
        "signed treatment plans",
        once="signed_at",
        name="treatment_plans_signed",
    ),
    Lock("treatment_plan_addenda", "plan addenda"),
    Lock("treatment_plan_reviews", "plan reviews"),
)
