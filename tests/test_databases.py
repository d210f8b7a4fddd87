"""CI runs the suite on both databases; neither run may quietly use the other."""

import os

from practice.extensions import db


def test_the_database_is_the_one_asked_for(app):
    with app.app_context():
        dialect = db.engine.dialect.name
    wanted = os.environ.get("TEST_DATABASE_URL", "")
    assert dialect == ("postgresql" if wanted.startswith("postgres") else "sqlite")


def test_sqlite_runs_with_wal_and_foreign_keys(app):
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            return
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() > 0
