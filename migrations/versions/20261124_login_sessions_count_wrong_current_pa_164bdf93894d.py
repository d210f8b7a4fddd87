"""login sessions count wrong current passwords

Revision ID: 164bdf93894d
Revises: d62b5f985078
Create Date: 2026-11-24 12:00:00

Changing one's password, email or two-factor sign-in asks for the current
password; a session in which it is typed wrongly too often is ended (issue 17).
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "164bdf93894d"
down_revision = "d62b5f985078"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("login_sessions", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("wrong_passwords", sa.Integer(), server_default=sa.text("0"), nullable=False)
        )


def downgrade():
    with op.batch_alter_table("login_sessions", schema=None) as batch_op:
        batch_op.drop_column("wrong_passwords")
