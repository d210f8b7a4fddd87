"""The declarative base, the clock and UTC datetimes, and SQLite's connection settings."""

import enum
import time
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from flask import current_app, g, has_app_context, has_request_context, request
from sqlalchemy.orm import DeclarativeBase, registry
from sqlalchemy.types import TypeDecorator

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

#: Constraint names Alembic can find again on every database.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def now_utc() -> datetime:
    """The current time, aware, in UTC: the only kind of datetime Mend stores.

    Under test, an app may run on a ``FixedClock`` instead (``FIXED_NOW``), so that
    no test depends on the hour or the day it runs.
    """
    if has_app_context() and (clock := current_app.extensions.get("fixed_clock")):
        return clock.now()
    return datetime.now(UTC)


class FixedClock:
    """A clock that reads ``at`` when it starts and runs on from there, second for second.

    It runs rather than stands still so that what happens in order still has its
    times in order. The monotonic clock is the whole machine's: gunicorn's workers,
    started together, agree on the time.
    """

    def __init__(self, at: datetime):
        if at.tzinfo is None:
            raise ValueError("a fixed now needs its time zone, e.g. 2026-03-10T09:30:00+00:00")
        self.at = at.astimezone(UTC)
        self.started = time.monotonic()

    def now(self) -> datetime:
        return self.at + timedelta(seconds=time.monotonic() - self.started)


class UTCDateTime(TypeDecorator):
    """A timestamp that is always aware and in UTC, on SQLite as on PostgreSQL.

    SQLite keeps no time zone, so values go in as naive UTC and come back
    with UTC attached; PostgreSQL stores ``timestamptz``. A naive datetime is a
    bug in the caller and is refused rather than guessed at.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored; attach a time zone")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def enum_type(cls: type[enum.Enum], name: str, length: int = 20) -> sa.Enum:
    """A Python enum stored as its values in a short VARCHAR, the same on every database."""
    return sa.Enum(
        cls,
        native_enum=False,
        length=length,
        name=name,
        values_callable=lambda members: [m.value for m in members],
    )


class Base(DeclarativeBase):
    registry = registry(
        metadata=sa.MetaData(naming_convention=NAMING_CONVENTION),
        type_annotation_map={datetime: UTCDateTime},
    )


def configure_sqlite(engine: sa.Engine, busy_timeout_ms: int, lock_outside_requests=True) -> None:
    """Give every SQLite connection WAL, a busy timeout and foreign keys.

    pysqlite's own transaction handling starts transactions late and cannot be
    told to take the write lock early, so Mend begins them itself: requests that
    may write (anything but GET/HEAD/OPTIONS) start with ``BEGIN IMMEDIATE``,
    which waits for the write lock up front instead of failing with "database
    is locked" halfway through when two workers write at once. Outside a
    request (CLI commands) every transaction takes the lock, unless
    ``lock_outside_requests`` is off, as for a process that only reads.
    """

    @sa.event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, connection_record):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def on_begin(connection):
        writes = _may_write() if has_request_context() else lock_outside_requests
        connection.exec_driver_sql("BEGIN IMMEDIATE" if writes else "BEGIN")


def begin_writing_audit() -> None:
    """Mark the rest of a read-only request as writing (its audit events)."""
    g.writing_audit = True


def _may_write() -> bool:
    return request.method not in SAFE_METHODS or bool(g.get("writing_audit"))
