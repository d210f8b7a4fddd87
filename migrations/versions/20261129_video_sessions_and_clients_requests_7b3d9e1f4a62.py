"""video sessions, and clients' requests to move or cancel a session

Revision ID: 7b3d9e1f4a62
Revises: 494a1652c077
Create Date: 2026-11-29 09:00:00

A session is in person or by video (``sessions.mode``); a video session keeps a
random room name (``video_room``) for practices that make a room per session
from a link template (``practice_settings.video_link_template``); otherwise each
counsellor's standing room link is used (``users.video_link``). The practice
says how many hours' notice it asks for to cancel or move a session
(``cancellation_notice_hours``, 24 unless the owner says). A client's request to
move or cancel one of their sessions is a ``session_requests`` row; its reason
and the counsellor's reply are encrypted like note bodies.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "7b3d9e1f4a62"
down_revision = "494a1652c077"
branch_labels = None
depends_on = None


def upgrade():
    # Plain ALTER TABLE ... ADD COLUMN: a batch copy of ``sessions`` would drop the
    # triggers that keep signed sessions' facts.
    op.add_column(
        "sessions",
        sa.Column(
            "mode",
            sa.Enum("in-person", "video", name="session_mode", native_enum=False, length=20),
            server_default="in-person",
            nullable=False,
        ),
    )
    op.add_column("sessions", sa.Column("video_room", sa.String(length=40), nullable=True))
    with op.batch_alter_table("practice_settings", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "cancellation_notice_hours", sa.Integer(), server_default="24", nullable=False
            )
        )
        batch_op.add_column(
            sa.Column(
                "video_rooms", sa.String(length=20), server_default="counsellor", nullable=False
            )
        )
        batch_op.add_column(sa.Column("video_link_template", sa.String(length=500), nullable=True))
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("video_link", sa.String(length=500), nullable=True))

    op.create_table(
        "session_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("cancel", "move", name="request_kind", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column(
            "status",
            sa.Enum(
                "pending",
                "suggested",
                "accepted",
                "declined",
                "withdrawn",
                "overtaken",
                name="request_status",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("preferred", sa.JSON(), nullable=False),
        sa.Column("late", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("answered_by_id", sa.Integer(), nullable=True),
        sa.Column("reply", sa.Text(), nullable=True),
        sa.Column("suggested_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("open_key", sa.String(length=40), nullable=True),
        sa.Column("form_token", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["answered_by_id"], ["users.id"], name=op.f("fk_session_requests_answered_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_session_requests_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partners.id"], name=op.f("fk_session_requests_partner_id_partners")
        ),
        sa.ForeignKeyConstraint(
            ["session_id"], ["sessions.id"], name=op.f("fk_session_requests_session_id_sessions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_session_requests")),
        sa.UniqueConstraint("form_token", name=op.f("uq_session_requests_form_token")),
        sa.UniqueConstraint("open_key", name=op.f("uq_session_requests_open_key")),
    )
    with op.batch_alter_table("session_requests", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_session_requests_case_id"), ["case_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_session_requests_session_id"), ["session_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("session_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_session_requests_session_id"))
        batch_op.drop_index(batch_op.f("ix_session_requests_case_id"))
    op.drop_table("session_requests")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("video_link")
    with op.batch_alter_table("practice_settings", schema=None) as batch_op:
        batch_op.drop_column("video_link_template")
        batch_op.drop_column("video_rooms")
        batch_op.drop_column("cancellation_notice_hours")
    # Plain DROP COLUMN (SQLite 3.35 and later), for the triggers' sake as above.
    op.execute("ALTER TABLE sessions DROP COLUMN video_room")
    op.execute("ALTER TABLE sessions DROP COLUMN mode")
