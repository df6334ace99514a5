"""The team's curation of synthesis ideas (rename, merge, split, move, quotes, hide)

Revision ID: 7c2e9a41d5b3
Revises: 7c2e9a4d1f30
Create Date: 2026-12-05 18:00:00

"""

import sqlalchemy as sa
from alembic import op

import consult.core.db

# revision identifiers, used by Alembic.
revision = "7c2e9a41d5b3"
down_revision = "7c2e9a4d1f30"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "idea_curations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("synthesis_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("idea_ids", sa.JSON(), nullable=False),
        sa.Column("other_ids", sa.JSON(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("summary", sa.String(length=600), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("created_at", consult.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["author_id"], ["users.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["synthesis_id"], ["syntheses.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("idea_curations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_idea_curations_synthesis_id"), ["synthesis_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("idea_curations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_idea_curations_synthesis_id"))
    op.drop_table("idea_curations")
