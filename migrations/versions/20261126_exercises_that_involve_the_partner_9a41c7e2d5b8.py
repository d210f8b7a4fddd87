"""exercises that ask a partner to involve the other

Revision ID: 9a41c7e2d5b8
Revises: e51ec11d1eda
Create Date: 2026-11-26 10:00:00

``with_partner`` marks an exercise (and each of its versions) that asks a partner
to tell, ask, agree or arrange something with the other, to do something with
or for them, or to show them something. While work together is held such
exercises are not given, and while a pause stands those already given are set
aside like homework done together. Existing rows start unflagged; the next
``flask catalogue load`` gives the flagged catalogue exercises their next version,
and homework given from an earlier version follows the exercise's flag (see
``practice.audience``).
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "9a41c7e2d5b8"
down_revision = "e51ec11d1eda"
branch_labels = None
depends_on = None

TABLES = ("exercises", "exercise_versions")


def upgrade():
    for table in TABLES:
        with op.batch_alter_table(table) as batch_op:
            batch_op.add_column(
                sa.Column("with_partner", sa.Boolean(), server_default=sa.false(), nullable=False)
            )


def downgrade():
    # The flags go with the column. A catalogue exercise that had one is left marked as
    # changed, so that the next ``flask catalogue load`` (after an upgrade, or before)
    # writes what the files say instead of trusting a hash that counted the flag.
    exercises = sa.table(
        "exercises",
        sa.column("with_partner", sa.Boolean()),
        sa.column("origin", sa.String()),
        sa.column("content_hash", sa.String()),
    )
    op.execute(
        exercises.update()
        .where(exercises.c.with_partner.is_(True), exercises.c.origin == "catalogue")
        .values(content_hash="")
    )
    for table in TABLES:
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_column("with_partner")
