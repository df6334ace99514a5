"""Published contributions counted ahead by the database (public figures without a scan)

``published_counts``: how many published contributions each meeting has, by kind, year
of creation and decision outcome, kept by triggers on ``contributions`` and
``decisions`` (``consult.contributions.counts``) and counted once here from what exists.

Revision ID: 9c3e5a1b7d42
Revises: 8a4e1c7b2d90
Create Date: 2026-12-06 09:30:00

"""

import sqlalchemy as sa
from alembic import op

from consult.contributions.counts import drop_counting, install_counting

# revision identifiers, used by Alembic.
revision = "9c3e5a1b7d42"
down_revision = "8a4e1c7b2d90"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "published_counts",
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(length=30), nullable=False),
        sa.Column("count", sa.Integer(), server_default="0", nullable=False),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meetings.id"],
            name=op.f("fk_published_counts_meeting_id_meetings"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "meeting_id", "kind", "year", "outcome", name=op.f("pk_published_counts")
        ),
    )
    install_counting(op.get_bind())


def downgrade():
    drop_counting(op.get_bind())
    op.drop_table("published_counts")
