"""homework entries by case and day

Revision ID: 7c1e5a9d2b40
Revises: 200613bcbb96
Create Date: 2026-11-21 15:40:00

The dashboard counts and lists a caseload's entries of the last days and weighs
its homework against the entries of the last weeks; both read entries by case
and day. Without this index they read every entry the caseload ever made.
"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "7c1e5a9d2b40"
down_revision = "200613bcbb96"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        "ix_homework_entries_case_done", "homework_entries", ["case_id", "done_on"], unique=False
    )


def downgrade():
    op.drop_index("ix_homework_entries_case_done", table_name="homework_entries")
