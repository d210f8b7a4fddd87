"""parked forms belong to the login that ended

Revision ID: c4071b50808b
Revises: b4d2e8f61a93
Create Date: 2026-11-24 10:00:00

A parked form is now kept for the login whose end it survived, and shown to
that login's user only (issue 17). Forms parked before cannot be tied to a
login, and some may have been posted by another site: they are dropped (they
would have expired within a day anyway). The index on the creation time lets
expired forms be purged without reading the others.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "c4071b50808b"
down_revision = "b4d2e8f61a93"
branch_labels = None
depends_on = None


def upgrade():
    op.execute("DELETE FROM parked_forms")
    with op.batch_alter_table("parked_forms", schema=None) as batch_op:
        batch_op.add_column(sa.Column("login_session_id", sa.Integer(), nullable=False))
        batch_op.create_foreign_key(
            batch_op.f("fk_parked_forms_login_session_id_login_sessions"),
            "login_sessions",
            ["login_session_id"],
            ["id"],
        )
        batch_op.create_index(
            batch_op.f("ix_parked_forms_login_session_id"), ["login_session_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_parked_forms_created_at"), ["created_at"], unique=False
        )


def downgrade():
    with op.batch_alter_table("parked_forms", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_parked_forms_created_at"))
        batch_op.drop_index(batch_op.f("ix_parked_forms_login_session_id"))
        batch_op.drop_constraint(
            batch_op.f("fk_parked_forms_login_session_id_login_sessions"), type_="foreignkey"
        )
        batch_op.drop_column("login_session_id")
