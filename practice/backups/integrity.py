"""Whether a database is whole: after a crash, a copy or a restore.

SQLite checks its own file (``PRAGMA integrity_check``); on both databases
every foreign key is followed, so a row whose parent is missing is found even
where the database does not enforce the key itself.
"""

import sqlalchemy as sa

from practice.extensions import db


def integrity_problems(connection: sa.Connection) -> list[str]:
    """What is wrong with the database ``connection`` reads; empty when nothing is."""
    problems = []
    if connection.dialect.name == "sqlite":
        said = connection.exec_driver_sql("PRAGMA integrity_check").scalars().all()
        if said != ["ok"]:
            problems += [f"integrity check: {line}" for line in said]
    present = set(sa.inspect(connection).get_table_names())
    for table in db.metadata.sorted_tables:
        if table.name not in present:
            continue
        for key in table.foreign_keys:
            child, parent = key.parent, key.column
            if parent.table.name not in present:
                continue
            parents = parent.table.alias("parent")
            orphans = connection.scalar(
                sa.select(sa.func.count())
                .select_from(table.outerjoin(parents, child == parents.c[parent.name]))
                .where(child.is_not(None), parents.c[parent.name].is_(None))
            )
            if orphans:
                problems.append(f"{table.name}.{child.name}: {orphans} rows point at nothing")
    return problems


def row_counts(connection: sa.Connection) -> dict[str, int]:
    """Rows in each of Mend's tables that the database holds."""
    present = set(sa.inspect(connection).get_table_names())
    return {
        table.name: connection.scalar(sa.select(sa.func.count()).select_from(table))
        for table in db.metadata.sorted_tables
        if table.name in present
    }
