"""Meetings: moderation mode, minutes and attendance; supports; contribution imports.

Revision ID: 22334623c627
Revises: 6e2562f29873
Create Date: 2026-11-24 13:05:12.306317

"""
import sqlalchemy as sa
from alembic import op

import consult.core.db


# revision identifiers, used by Alembic.
revision = '22334623c627'
down_revision = '6e2562f29873'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('contribution_imports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.Column('mapping', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('row_count', sa.Integer(), nullable=False),
    sa.Column('imported_count', sa.Integer(), nullable=False),
    sa.Column('created_at', consult.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', consult.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_contribution_imports_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_contribution_imports_meeting_id_meetings'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contribution_imports'))
    )
    with op.batch_alter_table('contribution_imports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contribution_imports_meeting_id'), ['meeting_id'], unique=False)

    op.create_table('supports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contribution_id', sa.Integer(), nullable=False),
    sa.Column('supporter_key', sa.String(length=80), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('created_at', consult.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['contribution_id'], ['contributions.id'], name=op.f('fk_supports_contribution_id_contributions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_supports_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_supports')),
    sa.UniqueConstraint('contribution_id', 'supporter_key', name=op.f('uq_supports_contribution_id'))
    )
    with op.batch_alter_table('supports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_supports_contribution_id'), ['contribution_id'], unique=False)

    with op.batch_alter_table('contributions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('consented_at', consult.core.db.UTCDateTime(timezone=True), nullable=True))

    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('publish_immediately', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('minutes', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('attendance_by_type', sa.JSON(), nullable=False, server_default='{}'))
        batch_op.add_column(sa.Column('attendance_by_group', sa.JSON(), nullable=False, server_default='{}'))
        batch_op.add_column(sa.Column('archived_at', consult.core.db.UTCDateTime(timezone=True), nullable=True))



def downgrade():
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.drop_column('archived_at')
        batch_op.drop_column('attendance_by_group')
        batch_op.drop_column('attendance_by_type')
        batch_op.drop_column('minutes')
        batch_op.drop_column('publish_immediately')

    with op.batch_alter_table('contributions', schema=None) as batch_op:
        batch_op.drop_column('consented_at')

    with op.batch_alter_table('supports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_supports_contribution_id'))

    op.drop_table('supports')
    with op.batch_alter_table('contribution_imports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contribution_imports_meeting_id'))

    op.drop_table('contribution_imports')
