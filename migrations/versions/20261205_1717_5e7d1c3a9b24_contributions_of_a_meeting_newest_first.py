"""Contributions of a meeting, newest first: an index for the public pages

Revision ID: 5e7d1c3a9b24
Revises: a3f1c2d4e5b6
Create Date: 2026-12-05 17:17:00

"""

from alembic import op

revision = "5e7d1c3a9b24"
down_revision = "a3f1c2d4e5b6"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        "ix_contributions_meeting_status_created_at",
        "contributions",
        ["meeting_id", "status", "created_at", "id"],
    )


def downgrade():
    op.drop_index("ix_contributions_meeting_status_created_at", table_name="contributions")
