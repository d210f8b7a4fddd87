"""invitations keep the email they are for; the outbox keeps a message to deliver

Revision ID: 9c1e5a7d2b40
Revises: 9e2c41d7a0b5
Create Date: 2026-11-26 09:00:00

An invitation names the email its partner will log in with, fixed when the link
is made (the sign-up page no longer lets whoever holds the link choose one), and
the outbox message that carries its link. The outbox keeps the whole message of
an undelivered invitation encrypted (``kept_body``, a Fernet token under the
notes keys) so that it can still be sent; it is blanked once sent, or once the
link is used or replaced. Links made before this keep working: their email is
read from the partner.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "9c1e5a7d2b40"
down_revision = "9e2c41d7a0b5"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("outbound_emails") as batch_op:
        batch_op.add_column(sa.Column("kept_body", sa.Text(), nullable=True))
    with op.batch_alter_table("invitations") as batch_op:
        batch_op.add_column(sa.Column("email", sa.String(length=254), nullable=True))
        batch_op.add_column(sa.Column("email_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_invitations_email_id_outbound_emails"),
            "outbound_emails",
            ["email_id"],
            ["id"],
        )


def downgrade():
    with op.batch_alter_table("invitations") as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_invitations_email_id_outbound_emails"), type_="foreignkey"
        )
        batch_op.drop_column("email_id")
        batch_op.drop_column("email")
    with op.batch_alter_table("outbound_emails") as batch_op:
        batch_op.drop_column("kept_body")
