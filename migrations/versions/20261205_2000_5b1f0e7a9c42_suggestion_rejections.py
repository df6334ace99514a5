"""Suggestions a facilitator turned down (never suggested again, weigh against the label)

Revision ID: 5b1f0e7a9c42
Revises: 7c2e9a41d5b3
Create Date: 2026-12-05 20:00:00

"""

import sqlalchemy as sa
from alembic import op

import consult.core.db

# revision identifiers, used by Alembic.
revision = "5b1f0e7a9c42"
down_revision = "7c2e9a41d5b3"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "suggestion_rejections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contribution_id", sa.Integer(), nullable=False),
        sa.Column("theme_id", sa.Integer(), nullable=True),
        sa.Column("fiche_id", sa.Integer(), nullable=True),
        sa.Column("set_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", consult.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "(theme_id IS NULL) <> (fiche_id IS NULL)",
            name=op.f("ck_suggestion_rejections_one_target"),
        ),
        sa.ForeignKeyConstraint(["contribution_id"], ["contributions.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["fiche_id"], ["fiches.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["set_by_id"], ["users.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["theme_id"], ["themes.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("contribution_id", "fiche_id", name="uq_suggestion_rejections_fiche"),
        sa.UniqueConstraint("contribution_id", "theme_id", name="uq_suggestion_rejections_theme"),
    )
    with op.batch_alter_table("suggestion_rejections", schema=None) as batch_op:
        for column in ("contribution_id", "theme_id", "fiche_id"):
            batch_op.create_index(
                batch_op.f(f"ix_suggestion_rejections_{column}"), [column], unique=False
            )


def downgrade():
    op.drop_table("suggestion_rejections")
