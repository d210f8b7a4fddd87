"""entry drafts, kept for their writer alone

Revision ID: b4d2e8f61a93
Revises: 3fc85daed7ca
Create Date: 2026-11-25 10:00:00

What a partner types towards a homework entry is kept on the server as they
type, one draft per partner and homework, instead of in the browser of a phone
the couple may share. The answers are encrypted like an entry's.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "b4d2e8f61a93"
down_revision = "3fc85daed7ca"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "entry_drafts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assignment_id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("answers", sa.Text(), nullable=False),
        sa.Column("done_on", sa.Date(), nullable=True),
        sa.Column("helpful", sa.Integer(), nullable=True),
        sa.Column("difficulty", sa.Integer(), nullable=True),
        sa.Column("shared", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["assignment_id"],
            ["assignments.id"],
            name=op.f("fk_entry_drafts_assignment_id_assignments"),
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partners.id"], name=op.f("fk_entry_drafts_partner_id_partners")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_entry_drafts")),
        sa.UniqueConstraint(
            "assignment_id", "partner_id", name=op.f("uq_entry_drafts_assignment_id")
        ),
    )
    with op.batch_alter_table("entry_drafts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_entry_drafts_partner_id"), ["partner_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("entry_drafts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_entry_drafts_partner_id"))

    op.drop_table("entry_drafts")
