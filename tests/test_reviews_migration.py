"""The migration to several reviews a case gives a review already recorded its figures as
they stood on its date, and refuses to go back while a case has more than one."""

from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from config import TestingConfig
from practice import create_app
from practice.extensions import db

BEFORE = "5ed8debe9ed6"
AFTER = "7d3b9e51c2a4"


def dummy(column: sa.Column):
    """A value of the column's type, for a NOT NULL column the test does not care about."""
    kind = column.type
    if isinstance(kind, sa.Boolean):
        return False
    if isinstance(kind, sa.Integer):
        return 0
    if isinstance(kind, sa.DateTime):
        return datetime(2026, 1, 1, tzinfo=UTC)
    if isinstance(kind, sa.Date):
        return date(2026, 1, 1)
    if isinstance(kind, sa.JSON):
        return {}
    return "x"


def insert(conn, table: str, **values) -> int:
    t = sa.Table(table, sa.MetaData(), autoload_with=conn)
    for column in t.columns:
        if (
            column.name not in values
            and not column.nullable
            and column.server_default is None
            and not column.primary_key
        ):
            values[column.name] = dummy(column)
    return conn.execute(t.insert().values(**values)).inserted_primary_key[0]


@pytest.fixture
def fresh(tmp_path):
    config = type(
        "FreshConfig",
        (TestingConfig,),
        {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'fresh.sqlite3'}"},
    )
    app = create_app(config)
    with app.app_context():
        yield app
        db.engine.dispose()


def check_in(conn, case_id, partner_id, user_id, day, total):
    insert(
        conn,
        "check_ins",
        case_id=case_id,
        partner_id=partner_id,
        completed_at=datetime(2026, 3, day, 9, tzinfo=UTC),
        csi_happiness=min(total, 6),
        csi_warm=0,
        csi_rewarding=0,
        csi_satisfied=0,
        csi_total=total,
        blocks={},
        entered_by_id=user_id,
    )


def test_a_recorded_review_gets_the_figures_of_its_day(fresh):
    upgrade(revision=BEFORE)
    with db.engine.begin() as conn:
        user = insert(conn, "users", email="c@example.org", role="counsellor", active=True)
        case = insert(conn, "cases", counsellor_id=user, label="A & B", status="active")
        a = insert(conn, "partners", case_id=case, position="a", name="Ash")
        b = insert(conn, "partners", case_id=case, position="b", name="Bo")
        for partner, totals in ((a, (8, 12, 20)), (b, (17, 12, 3))):
            for day, total in zip((1, 9, 20), totals, strict=True):
                check_in(conn, case, partner, user, day, total)
        for day, came, blocks in (
            (2, ["a", "b"], {"trust": 3}),
            (5, ["a"], {}),
            (10, ["a", "b"], {"trust": 6}),
            (21, ["a", "b"], {"trust": 9}),
        ):
            insert(
                conn,
                "sessions",
                case_id=case,
                counsellor_id=user,
                starts_at=datetime(2026, 3, day, 10, tzinfo=UTC),
                ends_at=datetime(2026, 3, day, 11, tzinfo=UTC),
                status="attended",
                attendees=came,
                block_ratings=blocks,
            )
        review = insert(
            conn,
            "reviews",
            case_id=case,
            reviewed_on=date(2026, 3, 15),
            summary="x",
            reviewed_by_id=user,
        )
    upgrade(revision=AFTER)
    with db.engine.connect() as conn:
        measures = conn.execute(
            sa.text(
                "SELECT position, baseline, baseline_on, latest, latest_on, change "
                "FROM review_measures WHERE review_id = :r ORDER BY position"
            ),
            {"r": review},
        ).all()
        kept = conn.execute(
            sa.text("SELECT joint_sessions, individual_sessions, blocks FROM reviews")
        ).one()
    assert [tuple(m) for m in measures] == [
        ("a", 8, "2026-03-01", 12, "2026-03-09", "improved"),
        ("b", 17, "2026-03-01", 12, "2026-03-09", "deteriorated"),
    ]
    assert (kept[0], kept[1]) == (2, 1)
    assert kept[2] in ({"trust": [3, 6]}, '{"trust": [3, 6]}')
    downgrade(revision=BEFORE)  # one review a case: it may go back


def test_going_back_is_refused_while_a_case_has_several_reviews(fresh):
    upgrade()
    with db.engine.begin() as conn:
        user = insert(conn, "users", email="c@example.org", role="counsellor", active=True)
        case = insert(conn, "cases", counsellor_id=user, label="A & B", status="active")
        for day in (1, 2):
            insert(
                conn,
                "reviews",
                case_id=case,
                reviewed_on=date(2026, 3, day),
                summary="x",
                reviewed_by_id=user,
            )
    with pytest.raises(SystemExit):  # Flask-Migrate logs the RuntimeError and exits
        downgrade(revision=BEFORE)
    with db.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM reviews")).scalar() == 2
