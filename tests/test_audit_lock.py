"""The audit trail is append-only in the database, not only in the app."""

import importlib.util
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import DatabaseError

from practice import audit
from practice.audit import locks
from practice.audit.models import AuditEvent
from practice.extensions import db

MIGRATION = next(Path("migrations/versions").glob("*_200613bcbb96.py"))


@pytest.fixture
def event(app, counsellor):
    audit.record("case.view", actor=counsellor, case_id=1)
    db.session.commit()
    return db.session.scalars(sa.select(AuditEvent)).one()


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_events SET action = 'nothing.happened'",
        "UPDATE audit_events SET actor_id = NULL",
        "DELETE FROM audit_events",
    ],
)
def test_hand_written_sql_cannot_change_the_trail(event, sql):
    with pytest.raises(DatabaseError, match="append-only"), db.engine.begin() as conn:
        conn.exec_driver_sql(sql)
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT action FROM audit_events").scalars().all() == [
            "case.view"
        ]


def test_new_events_are_still_written(event, counsellor):
    audit.record("case.view", actor=counsellor, case_id=2)
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)) == 2


def test_the_migration_and_the_module_hold_the_same_sql():
    spec = importlib.util.spec_from_file_location("migration", MIGRATION)
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    assert locks.LOCKS.sqlite_triggers == migration.SQLITE_TRIGGERS
    (trigger,) = locks.LOCKS.postgres_triggers
    name, table = trigger.split(" ON ")
    assert f"CREATE TRIGGER {name} BEFORE UPDATE OR DELETE ON {table} " in MIGRATION.read_text()
