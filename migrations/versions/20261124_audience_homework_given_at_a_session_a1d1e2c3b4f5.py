"""audience: homework given at a session, sessions with one partner, shared scores

Revision ID: a1d1e2c3b4f5
Revises: 7c1e5a9d2b40
Create Date: 2026-11-24 12:40:00

Each partner's handout lists the homework given at that session, so an
assignment now records the session it was given at instead of the handout
guessing from when it was created. A session held with one partner now says so
in ``invitees`` even when it was recorded after the fact (the session form used
to leave it empty): sessions attended by one partner of a couple are taken to
have been with that partner alone. A partner's consent to let the other see
their check-in scores starts off.
"""

from datetime import timedelta

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "a1d1e2c3b4f5"
down_revision = "7c1e5a9d2b40"
branch_labels = None
depends_on = None

_DAY = timedelta(days=1)


def upgrade():
    with op.batch_alter_table("assignments") as batch:
        batch.add_column(sa.Column("session_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            "fk_assignments_session_id_sessions", "sessions", ["session_id"], ["id"]
        )
        batch.create_index("ix_assignments_session_id", ["session_id"])
    with op.batch_alter_table("partners") as batch:
        batch.add_column(
            sa.Column("shares_scores", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    _backfill()


def _backfill():
    """Homework made within a day of an attended session's start was given at it;
    a session one partner of a couple attended was with that partner."""
    bind = op.get_bind()
    sessions = sa.table(
        "sessions",
        sa.column("id", sa.Integer),
        sa.column("case_id", sa.Integer),
        sa.column("starts_at", sa.DateTime),
        sa.column("status", sa.String),
        sa.column("attendees", sa.JSON),
        sa.column("invitees", sa.JSON),
    )
    assignments = sa.table(
        "assignments",
        sa.column("id", sa.Integer),
        sa.column("case_id", sa.Integer),
        sa.column("created_at", sa.DateTime),
        sa.column("session_id", sa.Integer),
    )
    partners = sa.table("partners", sa.column("case_id", sa.Integer))
    attended = bind.execute(
        sa.select(sessions.c.id, sessions.c.case_id, sessions.c.starts_at, sessions.c.attendees)
        .where(sessions.c.status == "attended")
        .order_by(sessions.c.starts_at.desc())
    ).all()
    couples = {
        case_id
        for case_id, n in bind.execute(
            sa.select(partners.c.case_id, sa.func.count()).group_by(partners.c.case_id)
        )
        if n > 1
    }
    by_case: dict[int, list] = {}
    for row in attended:
        by_case.setdefault(row.case_id, []).append(row)
        if row.case_id in couples and len(row.attendees or []) == 1:
            bind.execute(
                sessions.update()
                .where(sessions.c.id == row.id)
                .values(invitees=list(row.attendees))
            )
    for a in bind.execute(
        sa.select(assignments.c.id, assignments.c.case_id, assignments.c.created_at)
    ):
        for s in by_case.get(a.case_id, ()):  # latest first
            if s.starts_at <= a.created_at < s.starts_at + _DAY:
                bind.execute(
                    assignments.update().where(assignments.c.id == a.id).values(session_id=s.id)
                )
                break


def downgrade():
    with op.batch_alter_table("partners") as batch:
        batch.drop_column("shares_scores")
    with op.batch_alter_table("assignments") as batch:
        batch.drop_index("ix_assignments_session_id")
        batch.drop_constraint("fk_assignments_session_id_sessions", type_="foreignkey")
        batch.drop_column("session_id")
