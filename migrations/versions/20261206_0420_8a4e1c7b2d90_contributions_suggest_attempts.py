"""Contributions count their suggestion attempts and say which sweeper holds them

``suggest_attempts``: how many times a sweeper took the contribution to compute its
suggestions (kept across worker restarts: one that kills the process each time is
given up after a few attempts, not retried forever). ``suggest_claimed_at``: when a
sweeper took it; another sweeper leaves it alone until the claim is old.

Revision ID: 8a4e1c7b2d90
Revises: 3d8f2b6c1a57
Create Date: 2026-12-06 04:20:00

"""

import sqlalchemy as sa
from alembic import op

import consult.core.db

# revision identifiers, used by Alembic.
revision = "8a4e1c7b2d90"
down_revision = "3d8f2b6c1a57"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("contributions", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("suggest_attempts", sa.SmallInteger(), nullable=False, server_default="0")
        )
        batch_op.add_column(
            sa.Column(
                "suggest_claimed_at", consult.core.db.UTCDateTime(timezone=True), nullable=True
            )
        )


def downgrade():
    with op.batch_alter_table("contributions", schema=None) as batch_op:
        batch_op.drop_column("suggest_claimed_at")
        batch_op.drop_column("suggest_attempts")
