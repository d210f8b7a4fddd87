"""a partner's words with "I don't feel safe", and one alert per form sent

Revision ID: 9e2c41d7a0b5
Revises: 9a41c7e2d5b8
Create Date: 2026-11-26 10:12:00

A partner telling their counsellor from the portal that they do not feel safe
may add a few words (when it is safe to call, say): kept encrypted at rest,
like notes, and read by the counsellor alone. The form's token makes a double
click one alert.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "9e2c41d7a0b5"
down_revision = "9a41c7e2d5b8"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("safety_alerts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("message", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("form_token", sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_safety_alerts_form_token"), ["form_token"])


def downgrade():
    with op.batch_alter_table("safety_alerts", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_safety_alerts_form_token"), type_="unique")
        batch_op.drop_column("form_token")
        batch_op.drop_column("message")
