"""The database triggers that keep fixed rows as they are, and the one way past them.

A signed note, a published form, a sent message or an audit event is never
changed or deleted: the views never offer it, the ORM refuses it (for forms and
consent, through :func:`refuse_changes`), and triggers refuse it to hand-written
SQL too. Each capability's ``locks.py`` declares its
tables as :class:`Lock` values gathered in one :class:`Locks`; the SQLite
triggers, the names of the PostgreSQL ones and the way past them
(:meth:`Locks.lifted`) are written here from them. The migrations that made the
triggers keep their own copies of the SQL, as migrations must; each capability's
tests check that the two agree, to the letter.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import sqlalchemy as sa

# Laid out as the migrations wrote it, so the two compare equal as text.
_SQLITE_TRIGGER = """
        CREATE TRIGGER {name} BEFORE {event} ON {table}{when}
        BEGIN SELECT RAISE(ABORT, '{words}'); END"""


@dataclass(frozen=True)
class Lock:
    """A table whose rows the database will not change or delete.

    ``what`` names the rows in the refusals ("signed notes cannot be changed",
    "a published intake form is kept for good"); ``changed`` and ``kept`` give
    refusals of their own where those words will not do. ``once`` is the column
    whose being set fixes a row (``signed_at``); without it every row is fixed
    from the start. ``changing`` narrows the changes refused to those the SQL
    condition holds for (a sent message may still be added to the case record).
    ``name`` begins the SQLite triggers' names, the table's by default.
    """

    table: str
    what: str = ""
    once: str = ""
    name: str = ""
    changing: str = ""
    changed: str = ""
    kept: str = ""
    postgres_name: str = ""

    @property
    def postgres_trigger(self) -> str:
        """The PostgreSQL trigger, as ``"trigger ON table"``."""
        return f"{self._postgres_name} ON {self.table}"

    @property
    def _postgres_name(self) -> str:
        return self.postgres_name or f"{self.table}_lock"

    def sqlite_triggers(self) -> dict[str, str]:
        """{trigger name: CREATE statement} for an update and a delete."""
        held = f"OLD.{self.once} IS NOT NULL" if self.once else ""
        changing = f"{held} AND ({self.changing})" if held and self.changing else self.changing
        verb = "is" if self.what.startswith("a ") else "are"
        name = self.name or self.table
        return {
            f"{name}_no_update": _sqlite_trigger(
                f"{name}_no_update",
                "UPDATE",
                self.table,
                changing or held,
                self.changed or f"{self.what} cannot be changed",
            ),
            f"{name}_no_delete": _sqlite_trigger(
                f"{name}_no_delete",
                "DELETE",
                self.table,
                held,
                self.kept or f"{self.what} {verb} kept for good",
            ),
        }


def _sqlite_trigger(name: str, event: str, table: str, when: str, words: str) -> str:
    return _SQLITE_TRIGGER.format(
        name=name,
        event=event,
        table=table,
        when=f"\n        WHEN {when}" if when else "",
        words=words.replace("'", "''"),
    )


class Locks:
    """One capability's locked tables: their triggers, and the one way past them."""

    def __init__(self, *locks: Lock) -> None:
        self.locks = locks

    @property
    def sqlite_triggers(self) -> dict[str, str]:
        """Every SQLite trigger: {name: CREATE statement}."""
        return {name: sql for lock in self.locks for name, sql in lock.sqlite_triggers().items()}

    @property
    def postgres_triggers(self) -> tuple[str, ...]:
        """The PostgreSQL triggers, each as ``"trigger ON table"``."""
        return tuple(lock.postgres_trigger for lock in self.locks)

    @contextmanager
    def lifted(self, connection: sa.Connection) -> Iterator[None]:
        """Within the caller's transaction, switch the triggers off; restore on the way out.

        SQLite cannot disable a trigger, so it is dropped and made again; PostgreSQL's
        are disabled and enabled. Only the few writers allowed past a lock use this:
        re-encrypting under a new key, and the test suite's clean-up.
        """
        if connection.dialect.name == "postgresql":
            for lock in self.locks:
                connection.exec_driver_sql(_alter(lock, "DISABLE"))
            try:
                yield
            finally:
                for lock in self.locks:
                    connection.exec_driver_sql(_alter(lock, "ENABLE"))
        else:
            triggers = self.sqlite_triggers
            for name in triggers:
                connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")
            try:
                yield
            finally:
                for sql in triggers.values():
                    connection.exec_driver_sql(sql)


class FixedRecordError(Exception):
    """A signed, published, sent or written-once record was about to be changed."""


def refuse_changes(
    model: type, *, words: str, once: str = "", error: type[FixedRecordError] = FixedRecordError
) -> None:
    """Refuse in the ORM, raising ``error``, to change or delete a row of ``model``: any row,
    or one whose ``once`` column is set. Whether it is set is asked of the database, whatever
    the object now says."""
    table = model.__table__

    @sa.event.listens_for(model, "before_update")
    @sa.event.listens_for(model, "before_delete")
    def refuse(mapper, connection, target):
        if once:
            column = table.c[once]
            if connection.scalar(sa.select(column).where(table.c.id == target.id)) is None:
                return
        raise error(words)


def _alter(lock: Lock, action: str) -> str:
    return f"ALTER TABLE {lock.table} {action} TRIGGER {lock._postgres_name}"
