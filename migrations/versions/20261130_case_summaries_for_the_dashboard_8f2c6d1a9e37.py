"""case summaries for the dashboard: unsigned notes, joint sessions, CSI-4 totals

Revision ID: 8f2c6d1a9e37
Revises: 7b3d9e1f4a62
Create Date: 2026-11-30 09:00:00

A row per case (``practice.main.summary``): how many attended sessions still want
a signed note, how many joint sessions the case has had, and each partner's
first, second-latest and latest CSI-4 total, kept up to date as sessions, notes
and check-ins are written. Filled here for every case there is, worked out the
way the app works it out (a copy of that SQL, as migrations keep their own).
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "8f2c6d1a9e37"
down_revision = "7b3d9e1f4a62"
branch_labels = None
depends_on = None

TOTALS = """
    (SELECT ck.csi_total FROM check_ins ck JOIN partners p ON p.id = ck.partner_id
     WHERE ck.case_id = c.id AND p.position = '{position}'
     ORDER BY ck.completed_at{desc}, ck.id{desc} LIMIT 1 OFFSET {offset})"""
MADE = """
    (SELECT count(*) FROM check_ins ck JOIN partners p ON p.id = ck.partner_id
     WHERE ck.case_id = c.id AND p.position = '{position}')"""


def _totals(position: str) -> str:
    made = MADE.format(position=position)
    first = TOTALS.format(position=position, desc="", offset=0)
    previous = TOTALS.format(position=position, desc=" DESC", offset=1)
    latest = TOTALS.format(position=position, desc=" DESC", offset=0)
    return (
        f"{first},\n CASE WHEN {made} >= 3 THEN {previous} END,\n"
        f" CASE WHEN {made} >= 2 THEN {latest} END"
    )


FILL = f"""
INSERT INTO case_summaries (case_id, unsigned_notes, joint_sessions,
    csi_a_first, csi_a_previous, csi_a_latest, csi_b_first, csi_b_previous, csi_b_latest)
SELECT c.id,
    (SELECT count(*) FROM sessions s LEFT OUTER JOIN notes n ON n.session_id = s.id
     WHERE s.case_id = c.id AND s.status = 'attended' AND n.signed_at IS NULL),
    (SELECT count(*) FROM sessions s
     WHERE s.case_id = c.id AND s.status = 'attended'
       AND json_array_length(s.attendees) >= (SELECT count(p.id) FROM partners p
                                              WHERE p.case_id = c.id)),
    {_totals("a")},
    {_totals("b")}
FROM cases c
"""  # noqa: S608 - fixed text, no input


def upgrade():
    op.create_table(
        "case_summaries",
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("unsigned_notes", sa.Integer(), nullable=False),
        sa.Column("joint_sessions", sa.Integer(), nullable=False),
        sa.Column("csi_a_first", sa.Integer(), nullable=True),
        sa.Column("csi_a_previous", sa.Integer(), nullable=True),
        sa.Column("csi_a_latest", sa.Integer(), nullable=True),
        sa.Column("csi_b_first", sa.Integer(), nullable=True),
        sa.Column("csi_b_previous", sa.Integer(), nullable=True),
        sa.Column("csi_b_latest", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_case_summaries_case_id_cases")
        ),
        sa.PrimaryKeyConstraint("case_id", name=op.f("pk_case_summaries")),
    )
    op.execute(FILL)


def downgrade():
    op.drop_table("case_summaries")
