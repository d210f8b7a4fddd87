"""Re-encrypting every stored secret under the newest key: ``flask --app wsgi rotate-keys``.

Rotation, step by step (also in docs/security.md):

1. Make a key: ``flask --app wsgi new-notes-key``.
2. Put it first in ``MEND_NOTES_KEYS``, keeping the old one after it, and restart:
   new rows use the new key, old rows still read.
3. Run ``flask --app wsgi rotate-keys``: every encrypted value is rewritten under the new key,
   in one transaction. Signed notes and treatment plans keep their text and their hash,
   sent messages and intake answers their text; only the ciphertext changes.
4. Remove the old key from ``MEND_NOTES_KEYS`` and restart.
"""

import sqlalchemy as sa

from practice.crypto import EncryptedJSON, EncryptedText, rotate
from practice.extensions import db
from practice.intake import locks as intake_locks
from practice.messages import locks as message_locks
from practice.plans import locks as plan_locks
from practice.sessions import locks as session_locks

BATCH = 500


def encrypted_columns() -> list[tuple[sa.Table, sa.Column]]:
    return [
        (table, column)
        for table in db.metadata.sorted_tables
        for column in table.columns
        if isinstance(column.type, EncryptedText | EncryptedJSON)
    ]


def rotate_all() -> dict[str, int]:
    """Rewrite every encrypted value under the first key; {table.column: values rewritten}."""
    counts: dict[str, int] = {}
    connection = db.session.connection()
    with (
        session_locks.LOCKS.lifted(connection),
        plan_locks.LOCKS.lifted(connection),
        message_locks.LOCKS.lifted(connection),
        intake_locks.LOCKS.lifted(connection),
    ):
        for table, column in encrypted_columns():
            raw = sa.type_coerce(column, sa.Text)
            key = list(table.primary_key.columns)
            done = 0
            rows = connection.execute(sa.select(*key, raw).where(column.is_not(None)))
            for row in rows.fetchall():
                *ids, token = row
                connection.execute(
                    sa.update(table)
                    .where(*[c == v for c, v in zip(key, ids, strict=True)])
                    .values({column.name: sa.type_coerce(rotate(token), sa.Text)})
                )
                done += 1
            counts[f"{table.name}.{column.name}"] = done
    return counts
