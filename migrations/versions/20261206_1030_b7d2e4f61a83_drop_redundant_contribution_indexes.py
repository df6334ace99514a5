"""Drop two contribution indexes that longer ones already hold

``ix_contributions_meeting_id`` is the first column of
``ix_contributions_meeting_status_created_at`` and ``ix_contributions_status`` the first of
``ix_contributions_status_created_at``: every query (and the foreign key's checks) that
used them is served by the longer ones, and each contribution inserted no longer writes
them (14 indexes to keep up at each POST, now 12). Plain ``DROP INDEX`` on both databases
(no table rebuild on SQLite: its triggers stay).

Revision ID: b7d2e4f61a83
Revises: 9c3e5a1b7d42
Create Date: 2026-12-06 10:30:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "b7d2e4f61a83"
down_revision = "9c3e5a1b7d42"
branch_labels = None
depends_on = None


def upgrade():
    op.drop_index("ix_contributions_meeting_id", table_name="contributions")
    op.drop_index("ix_contributions_status", table_name="contributions")


def downgrade():
    op.create_index("ix_contributions_status", "contributions", ["status"])
    op.create_index("ix_contributions_meeting_id", "contributions", ["meeting_id"])
