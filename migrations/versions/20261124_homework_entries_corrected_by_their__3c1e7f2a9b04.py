"""homework entries corrected by their writer, with the text they replaced

Revision ID: 3c1e7f2a9b04
Revises: 9c1e5a7d2b40
Create Date: 2026-11-24 15:10:00

A client may correct their own entry within a day of saving it. The entry
notes when (``edited_at``); each correction keeps the text it replaced in
``homework_entry_revisions``, encrypted like the entry, for the counsellor.
Nothing else is touched, so this sits on its parent alone.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "3c1e7f2a9b04"
down_revision = "9c1e5a7d2b40"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("homework_entries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("edited_at", sa.DateTime(timezone=True), nullable=True))

    op.create_table(
        "homework_entry_revisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("answers", sa.Text(), nullable=False),
        sa.Column("done_on", sa.Date(), nullable=False),
        sa.Column("helpful", sa.Integer(), nullable=False),
        sa.Column("difficulty", sa.Integer(), nullable=False),
        sa.Column("written_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("replaced_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["homework_entries.id"],
            name=op.f("fk_homework_entry_revisions_entry_id_homework_entries"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_homework_entry_revisions")),
    )
    with op.batch_alter_table("homework_entry_revisions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_homework_entry_revisions_entry_id"), ["entry_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("homework_entry_revisions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_homework_entry_revisions_entry_id"))
    op.drop_table("homework_entry_revisions")
    with op.batch_alter_table("homework_entries", schema=None) as batch_op:
        batch_op.drop_column("edited_at")
