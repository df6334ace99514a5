"""Published contributions of each theme and fiche counted ahead by the database

``theme_counts`` (published contributions tagged with a theme, by meeting and decision
outcome), ``fiche_counts`` (published contributions a fiche answers, by meeting) and
``theme_fiche_counts`` (those of a theme a fiche answers, by meeting), kept by triggers
on ``contributions``, ``contribution_tags``, ``fiche_contributions`` and ``decisions``
(``consult.suite.counts``) and counted once here from what exists.

Revision ID: c4e8a2f91d36
Revises: b7d2e4f61a83
Create Date: 2026-12-06 12:30:00

"""

import sqlalchemy as sa
from alembic import op

from consult.suite.counts import drop_counting, install_counting

# revision identifiers, used by Alembic.
revision = "c4e8a2f91d36"
down_revision = "b7d2e4f61a83"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "theme_counts",
        sa.Column("theme_id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(length=30), nullable=False),
        sa.Column("slot", sa.SmallInteger(), nullable=False),
        sa.Column("count", sa.Integer(), server_default="0", nullable=False),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meetings.id"],
            name=op.f("fk_theme_counts_meeting_id_meetings"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["theme_id"],
            ["themes.id"],
            name=op.f("fk_theme_counts_theme_id_themes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "theme_id", "meeting_id", "outcome", "slot", name=op.f("pk_theme_counts")
        ),
    )
    op.create_table(
        "fiche_counts",
        sa.Column("fiche_id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("slot", sa.SmallInteger(), nullable=False),
        sa.Column("count", sa.Integer(), server_default="0", nullable=False),
        sa.ForeignKeyConstraint(
            ["fiche_id"],
            ["fiches.id"],
            name=op.f("fk_fiche_counts_fiche_id_fiches"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meetings.id"],
            name=op.f("fk_fiche_counts_meeting_id_meetings"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("fiche_id", "meeting_id", "slot", name=op.f("pk_fiche_counts")),
    )
    op.create_table(
        "theme_fiche_counts",
        sa.Column("theme_id", sa.Integer(), nullable=False),
        sa.Column("fiche_id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("slot", sa.SmallInteger(), nullable=False),
        sa.Column("count", sa.Integer(), server_default="0", nullable=False),
        sa.ForeignKeyConstraint(
            ["fiche_id"],
            ["fiches.id"],
            name=op.f("fk_theme_fiche_counts_fiche_id_fiches"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meetings.id"],
            name=op.f("fk_theme_fiche_counts_meeting_id_meetings"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["theme_id"],
            ["themes.id"],
            name=op.f("fk_theme_fiche_counts_theme_id_themes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "theme_id", "fiche_id", "meeting_id", "slot", name=op.f("pk_theme_fiche_counts")
        ),
    )
    install_counting(op.get_bind())


def downgrade():
    drop_counting(op.get_bind())
    op.drop_table("theme_fiche_counts")
    op.drop_table("fiche_counts")
    op.drop_table("theme_counts")
