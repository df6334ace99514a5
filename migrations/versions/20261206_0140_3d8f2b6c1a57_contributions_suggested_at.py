"""Contributions say whether their tag suggestions are computed (suggested_at, NULL: pending)

The worker computes pending suggestions in batches instead of one job per
contribution; contributions already there had theirs computed by a job.

Revision ID: 3d8f2b6c1a57
Revises: 5b1f0e7a9c42
Create Date: 2026-12-06 01:40:00

"""

import sqlalchemy as sa
from alembic import op

import consult.core.db

# revision identifiers, used by Alembic.
revision = "3d8f2b6c1a57"
down_revision = "5b1f0e7a9c42"
branch_labels = None
depends_on = None

PENDING = sa.text("suggested_at IS NULL")


def upgrade():
    with op.batch_alter_table("contributions", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("suggested_at", consult.core.db.UTCDateTime(timezone=True), nullable=True)
        )
    op.execute("UPDATE contributions SET suggested_at = created_at")
    with op.batch_alter_table("contributions", schema=None) as batch_op:
        batch_op.create_index(
            "ix_contributions_suggestions_pending",
            ["id"],
            unique=False,
            sqlite_where=PENDING,
            postgresql_where=PENDING,
        )


def downgrade():
    with op.batch_alter_table("contributions", schema=None) as batch_op:
        batch_op.drop_index(
            "ix_contributions_suggestions_pending", sqlite_where=PENDING, postgresql_where=PENDING
        )
        batch_op.drop_column("suggested_at")
