"""Moderation: audit trail, reports, and moderation fields on contributions.

Revision ID: 6ab57488cd88
Revises: 22334623c627
Create Date: 2026-11-24 13:45:08.785480

"""
import sqlalchemy as sa
from alembic import op

import consult.core.db


# revision identifiers, used by Alembic.
revision = '6ab57488cd88'
down_revision = '22334623c627'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('moderation_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contribution_id', sa.Integer(), nullable=True),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=30), nullable=False),
    sa.Column('before', sa.JSON(), nullable=False),
    sa.Column('after', sa.JSON(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('at', consult.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_moderation_events_actor_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['contribution_id'], ['contributions.id'], name=op.f('fk_moderation_events_contribution_id_contributions'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_moderation_events'))
    )
    with op.batch_alter_table('moderation_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_moderation_events_action'), ['action'], unique=False)
        batch_op.create_index(batch_op.f('ix_moderation_events_actor_id'), ['actor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_moderation_events_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_moderation_events_contribution_id'), ['contribution_id'], unique=False)

    op.create_table('reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contribution_id', sa.Integer(), nullable=False),
    sa.Column('reporter_key', sa.String(length=80), nullable=False),
    sa.Column('reason', sa.String(length=30), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('created_at', consult.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('handled_by_id', sa.Integer(), nullable=True),
    sa.Column('handled_at', consult.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['contribution_id'], ['contributions.id'], name=op.f('fk_reports_contribution_id_contributions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['handled_by_id'], ['users.id'], name=op.f('fk_reports_handled_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reports')),
    sa.UniqueConstraint('contribution_id', 'reporter_key', name=op.f('uq_reports_contribution_id'))
    )
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reports_contribution_id'), ['contribution_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_reports_status'), ['status'], unique=False)

    with op.batch_alter_table('contributions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('rejection_reason', sa.String(length=30), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('rejection_note', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('original_body', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('edited_at', consult.core.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('edited_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('merged_into_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('has_personal_data', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.create_index(batch_op.f('ix_contributions_has_personal_data'), ['has_personal_data'], unique=False)
        batch_op.create_index(batch_op.f('ix_contributions_merged_into_id'), ['merged_into_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_contributions_merged_into_id_contributions'), 'contributions', ['merged_into_id'], ['id'], ondelete='SET NULL')
        batch_op.create_foreign_key(batch_op.f('fk_contributions_edited_by_id_users'), 'users', ['edited_by_id'], ['id'], ondelete='SET NULL')



def downgrade():
    with op.batch_alter_table('contributions', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_contributions_edited_by_id_users'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_contributions_merged_into_id_contributions'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_contributions_merged_into_id'))
        batch_op.drop_index(batch_op.f('ix_contributions_has_personal_data'))
        batch_op.drop_column('has_personal_data')
        batch_op.drop_column('merged_into_id')
        batch_op.drop_column('edited_by_id')
        batch_op.drop_column('edited_at')
        batch_op.drop_column('original_body')
        batch_op.drop_column('rejection_note')
        batch_op.drop_column('rejection_reason')

    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reports_status'))
        batch_op.drop_index(batch_op.f('ix_reports_contribution_id'))

    op.drop_table('reports')
    with op.batch_alter_table('moderation_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_moderation_events_contribution_id'))
        batch_op.drop_index(batch_op.f('ix_moderation_events_at'))
        batch_op.drop_index(batch_op.f('ix_moderation_events_actor_id'))
        batch_op.drop_index(batch_op.f('ix_moderation_events_action'))

    op.drop_table('moderation_events')
