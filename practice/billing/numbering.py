"""Invoice numbers: one counter for the practice, taken without gaps or repeats.

An invoice takes its number in the transaction that issues it. The counter row
is changed before it is read — ``UPDATE … SET last_number = last_number + 1
RETURNING last_number`` — so the row is locked for update from that moment to
the commit: on PostgreSQL a second writer waits on the row lock and then reads
the number the first one committed; on SQLite the writer's lock (every request
that may write begins ``BEGIN IMMEDIATE``, see ``practice.database``) already
lets one writer in at a time. A transaction that rolls back gives its number
back with it, so numbers have no gaps; a voided invoice keeps its number.
"""

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as postgres_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from practice.billing.models import InvoiceCounter
from practice.extensions import db

COUNTER = "invoice"


def take_invoice_number() -> int:
    """The next invoice number of the practice, held by this transaction until it ends."""
    counters = InvoiceCounter.__table__
    insert = (
        postgres_insert if db.session.get_bind().dialect.name == "postgresql" else sqlite_insert
    )
    # The first invoice of a practice makes the row; racing first invoices both
    # find it made, whichever inserted it.
    db.session.execute(
        insert(counters)
        .values(name=COUNTER, last_number=0)
        .on_conflict_do_nothing(index_elements=["name"])
    )
    return db.session.execute(
        sa.update(counters)
        .where(counters.c.name == COUNTER)
        .values(last_number=counters.c.last_number + 1)
        .returning(counters.c.last_number)
    ).scalar_one()
