"""Tagging: themes and fiches on contributions, and stored suggestions.

Revision ID: c2b234dade2c
Revises: 6ab57488cd88
Create Date: 2026-11-24 13:47:18.113547

"""
import sqlalchemy as sa
from alembic import op

import consult.core.db


# revision identifiers, used by Alembic.
revision = 'c2b234dade2c'
down_revision = '6ab57488cd88'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('contribution_tags',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contribution_id', sa.Integer(), nullable=False),
    sa.Column('theme_id', sa.Integer(), nullable=True),
    sa.Column('fiche_id', sa.Integer(), nullable=True),
    sa.Column('set_by_id', sa.Integer(), nullable=True),
    sa.Column('from_suggestion', sa.Boolean(), nullable=False),
    sa.Column('created_at', consult.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('(theme_id IS NULL) <> (fiche_id IS NULL)', name=op.f('ck_contribution_tags_one_target')),
    sa.ForeignKeyConstraint(['contribution_id'], ['contributions.id'], name=op.f('fk_contribution_tags_contribution_id_contributions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['fiche_id'], ['fiches.id'], name=op.f('fk_contribution_tags_fiche_id_fiches'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['set_by_id'], ['users.id'], name=op.f('fk_contribution_tags_set_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['theme_id'], ['themes.id'], name=op.f('fk_contribution_tags_theme_id_themes'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contribution_tags')),
    sa.UniqueConstraint('contribution_id', 'fiche_id', name='uq_contribution_tags_fiche'),
    sa.UniqueConstraint('contribution_id', 'theme_id', name='uq_contribution_tags_theme')
    )
    with op.batch_alter_table('contribution_tags', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contribution_tags_contribution_id'), ['contribution_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_contribution_tags_fiche_id'), ['fiche_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_contribution_tags_theme_id'), ['theme_id'], unique=False)

    op.create_table('tag_suggestions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contribution_id', sa.Integer(), nullable=False),
    sa.Column('theme_id', sa.Integer(), nullable=True),
    sa.Column('fiche_id', sa.Integer(), nullable=True),
    sa.Column('score', sa.Float(), nullable=False),
    sa.Column('words', sa.JSON(), nullable=False),
    sa.Column('learned', sa.Boolean(), nullable=False),
    sa.Column('computed_at', consult.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['contribution_id'], ['contributions.id'], name=op.f('fk_tag_suggestions_contribution_id_contributions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['fiche_id'], ['fiches.id'], name=op.f('fk_tag_suggestions_fiche_id_fiches'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['theme_id'], ['themes.id'], name=op.f('fk_tag_suggestions_theme_id_themes'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tag_suggestions'))
    )
    with op.batch_alter_table('tag_suggestions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tag_suggestions_contribution_id'), ['contribution_id'], unique=False)



def downgrade():
    with op.batch_alter_table('tag_suggestions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tag_suggestions_contribution_id'))

    op.drop_table('tag_suggestions')
    with op.batch_alter_table('contribution_tags', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contribution_tags_theme_id'))
        batch_op.drop_index(batch_op.f('ix_contribution_tags_fiche_id'))
        batch_op.drop_index(batch_op.f('ix_contribution_tags_contribution_id'))

    op.drop_table('contribution_tags')
