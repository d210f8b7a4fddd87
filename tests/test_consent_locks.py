"""The locks on intake forms and answers, consent documents and signatures: the SQL the
app lifts (for key rotation and the tests' clean-up) is the SQL the migration made."""

import importlib.util
from pathlib import Path

import sqlalchemy as sa

from practice.consent import locks as consent_locks
from practice.extensions import db
from practice.intake import locks as intake_locks

MIGRATION = next(
    (Path(__file__).resolve().parent.parent / "migrations" / "versions").glob("*_5d3b8e1f0c72.py")
)


def migration():
    spec = importlib.util.spec_from_file_location("migration", MIGRATION)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_migration_and_the_modules_hold_the_same_sql():
    made = migration()
    assert (
        intake_locks.LOCKS.sqlite_triggers | consent_locks.LOCKS.sqlite_triggers
        == made.SQLITE_TRIGGERS
    )
    names = {f"{name} ON {table}" for name, (table, _) in made.POSTGRES_TRIGGERS.items()}
    assert names == set(intake_locks.LOCKS.postgres_triggers) | set(
        consent_locks.LOCKS.postgres_triggers
    )


def test_every_lock_is_in_the_database(app):
    with db.engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            found = set(
                conn.scalars(
                    sa.text("SELECT tgname || ' ON ' || tgrelid::regclass FROM pg_trigger")
                )
            )
            wanted = set(intake_locks.LOCKS.postgres_triggers) | set(
                consent_locks.LOCKS.postgres_triggers
            )
        else:
            found = set(
                conn.scalars(sa.text("SELECT name FROM sqlite_master WHERE type='trigger'"))
            )
            wanted = set(intake_locks.LOCKS.sqlite_triggers) | set(
                consent_locks.LOCKS.sqlite_triggers
            )
    assert wanted <= found
