"""Merges that can be undone, campaigns of identical texts, a contribution's weight

Revision ID: 5d1c2e3a7b90
Revises: d85a4cc38316
Create Date: 2026-12-05 16:34:25.150363

"""
from alembic import op
import sqlalchemy as sa
import consult.core.db  # noqa: F401 - custom column types (UTCDateTime)


# revision identifiers, used by Alembic.
revision = '5d1c2e3a7b90'
down_revision = 'd85a4cc38316'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('campaigns',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('contribution_id', sa.Integer(), nullable=True),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('first_at', consult.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_at', consult.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('merged_by_id', sa.Integer(), nullable=True),
    sa.Column('merged_at', consult.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('undone_at', consult.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['contribution_id'], ['contributions.id'], name=op.f('fk_campaigns_contribution_id_contributions'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_campaigns_meeting_id_meetings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['merged_by_id'], ['users.id'], name=op.f('fk_campaigns_merged_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_campaigns'))
    )
    with op.batch_alter_table('campaigns', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_campaigns_contribution_id'), ['contribution_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_campaigns_meeting_id'), ['meeting_id'], unique=False)

    op.create_table('merges',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('target_id', sa.Integer(), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=True),
    sa.Column('source_status', sa.String(length=20), nullable=False),
    sa.Column('supports', sa.Integer(), nullable=False),
    sa.Column('weight', sa.Integer(), nullable=False),
    sa.Column('tags', sa.JSON(), nullable=False),
    sa.Column('merged_by_id', sa.Integer(), nullable=True),
    sa.Column('merged_at', consult.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('undone_by_id', sa.Integer(), nullable=True),
    sa.Column('undone_at', consult.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_merges_campaign_id_campaigns'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['merged_by_id'], ['users.id'], name=op.f('fk_merges_merged_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['source_id'], ['contributions.id'], name=op.f('fk_merges_source_id_contributions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['target_id'], ['contributions.id'], name=op.f('fk_merges_target_id_contributions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['undone_by_id'], ['users.id'], name=op.f('fk_merges_undone_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_merges'))
    )
    with op.batch_alter_table('merges', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_merges_campaign_id'), ['campaign_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_merges_source_id'), ['source_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_merges_target_id'), ['target_id'], unique=False)

    with op.batch_alter_table('contributions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('weight', sa.Integer(), server_default='1', nullable=False))
    # Contributions merged before this revision: their weight counts what was merged
    # into them (those merges cannot be undone: nothing recorded what they moved).
    op.execute(
        "UPDATE contributions SET weight = 1 + (SELECT count(*) FROM contributions AS s"
        " WHERE s.merged_into_id = contributions.id)"
        " WHERE id IN (SELECT merged_into_id FROM contributions WHERE merged_into_id IS NOT NULL)"
    )



def downgrade():
    with op.batch_alter_table('contributions', schema=None) as batch_op:
        batch_op.drop_column('weight')

    with op.batch_alter_table('merges', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_merges_target_id'))
        batch_op.drop_index(batch_op.f('ix_merges_source_id'))
        batch_op.drop_index(batch_op.f('ix_merges_campaign_id'))

    op.drop_table('merges')
    with op.batch_alter_table('campaigns', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_campaigns_meeting_id'))
        batch_op.drop_index(batch_op.f('ix_campaigns_contribution_id'))

    op.drop_table('campaigns')
