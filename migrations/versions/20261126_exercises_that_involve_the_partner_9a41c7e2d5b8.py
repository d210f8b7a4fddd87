"""exercises that ask a partner to involve the other

Revision ID: 9a41c7e2d5b8
Revises: 6f0309f51337
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
down_revision = "6f0309f51337"
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
    for table in TABLES:
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_column("with_partner")
