"""The database triggers that keep sent messages as they were sent.

A message is never deleted, and once sent its text, thread, writer and time never
change; the one later change allowed is the counsellor adding it to the case
record, once (``recorded_at`` and ``recorded_by_id`` set where they were empty).
The migration that made the table keeps its own copy of this SQL, as migrations
must; a test checks the two agree. Two writers may pass, each inside one
transaction: re-encrypting under a new key (``flask --app wsgi rotate-keys``) and
the test suite's clean-up.
"""

from practice.locks import Lock, Locks

#: The changes a sent message refuses: anything it was sent with, and its place in
#: the case record once it has one.
CHANGES_TO_A_SENT_MESSAGE = """NEW.id IS NOT OLD.id OR NEW.thread_id IS NOT OLD.thread_id
          OR NEW.case_id IS NOT OLD.case_id OR NEW.author_id IS NOT OLD.author_id
          OR NEW.partner_id IS NOT OLD.partner_id OR NEW.body IS NOT OLD.body
          OR NEW.sent_at IS NOT OLD.sent_at OR NEW.form_token IS NOT OLD.form_token
          OR (OLD.recorded_at IS NOT NULL AND (NEW.recorded_at IS NOT OLD.recorded_at
              OR NEW.recorded_by_id IS NOT OLD.recorded_by_id))"""

LOCKS = Locks(
    Lock(
        "messages",
        changing=CHANGES_TO_A_SENT_MESSAGE,
        changed="a sent message cannot be changed",
        kept="messages are kept for good",
    )
)
