"""Whether the database's encrypted text opens with the keys this instance has."""

import sqlalchemy as sa

from practice.crypto import EncryptedJSON, EncryptedText
from practice.extensions import db


def unreadable_columns(connection: sa.Connection) -> list[str]:
    """The encrypted columns whose first stored value MEND_NOTES_KEYS cannot decrypt."""
    inspector = sa.inspect(connection)
    present = set(inspector.get_table_names())
    unreadable = []
    for table in db.metadata.sorted_tables:
        if table.name not in present:
            continue
        stored = {c["name"] for c in inspector.get_columns(table.name)}
        for column in table.columns:
            if column.name not in stored or not isinstance(
                column.type, EncryptedText | EncryptedJSON
            ):
                continue
            try:
                connection.execute(sa.select(column).where(column.is_not(None)).limit(1)).all()
            except RuntimeError:
                unreadable.append(f"{table.name}.{column.name}")
    return unreadable
