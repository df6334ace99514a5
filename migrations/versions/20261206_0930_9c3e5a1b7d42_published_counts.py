"""Published contributions counted ahead by the database; suggestions refreshed after tagging pauses

``published_counts``: how many published contributions each meeting has, by kind, year
of creation and decision outcome, kept by triggers on ``contributions`` and
``decisions`` (``consult.contributions.counts``) and counted once here from what exists.

``schemes.suggestions_learned_at`` / ``suggestions_stale_since``: when facilitators last
tagged, and since when stored suggestions miss it (the worker's sweeper recomputes them
once tagging pauses, ``consult.tagging.jobs``).

Revision ID: 9c3e5a1b7d42
Revises: 8a4e1c7b2d90
Create Date: 2026-12-06 09:30:00

"""

import sqlalchemy as sa
from alembic import op

import consult.core.db
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
        sa.Column("slot", sa.SmallInteger(), nullable=False),
        sa.Column("count", sa.Integer(), server_default="0", nullable=False),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meetings.id"],
            name=op.f("fk_published_counts_meeting_id_meetings"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "meeting_id", "kind", "year", "outcome", "slot", name=op.f("pk_published_counts")
        ),
    )
    install_counting(op.get_bind())
    with op.batch_alter_table("schemes", schema=None) as batch_op:
        for name in ("suggestions_learned_at", "suggestions_stale_since"):
            batch_op.add_column(
                sa.Column(name, consult.core.db.UTCDateTime(timezone=True), nullable=True)
            )


def downgrade():
    with op.batch_alter_table("schemes", schema=None) as batch_op:
        batch_op.drop_column("suggestions_stale_since")
        batch_op.drop_column("suggestions_learned_at")
    drop_counting(op.get_bind())
    op.drop_table("published_counts")
