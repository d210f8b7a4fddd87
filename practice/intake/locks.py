"""The database triggers that keep published intake forms and sent answers unchanged.

Made by the migration that made the tables, which keeps its own copy of this SQL
(a test checks the two agree). Two writers may pass them, each inside one
transaction: re-encrypting under a new key (``flask --app wsgi rotate-keys``) and
the test suite's clean-up.
"""

from practice.locks import Lock, Locks

LOCKS = Locks(
    Lock(
        "intake_forms",
        "a published intake form",
        once="published_at",
        name="intake_forms_published",
    ),
    Lock("intake_answers", "sent intake answers", once="submitted_at", name="intake_answers_sent"),
)
