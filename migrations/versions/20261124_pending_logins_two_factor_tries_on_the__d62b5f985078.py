"""pending logins: two-factor tries counted on the server

Revision ID: d62b5f985078
Revises: c4071b50808b
Create Date: 2026-11-24 11:00:00

A login waiting for its second factor, and the codes tried against it, were
kept in the browser's cookie: a saved cookie sent again started the count from
where it was saved (issue 17). They are rows now.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "d62b5f985078"
down_revision = "c4071b50808b"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "pending_logins",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("tries", sa.Integer(), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("succeeded", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_pending_logins_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pending_logins")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_pending_logins_token_hash")),
    )
    with op.batch_alter_table("pending_logins", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pending_logins_user_id"), ["user_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_pending_logins_created_at"), ["created_at"], unique=False
        )


def downgrade():
    op.drop_table("pending_logins")
