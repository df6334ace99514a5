"""Field trial fixes: earlier versions of a meeting's minutes, forms submitted once

Revision ID: a3f1c2d4e5b6
Revises: 5e1c0a7d2b94
Create Date: 2026-12-05 16:30:00

"""
from alembic import op
import sqlalchemy as sa
import consult.core.db  # noqa: F401 - custom column types (UTCDateTime)


# revision identifiers, used by Alembic.
revision = 'a3f1c2d4e5b6'
down_revision = '5e1c0a7d2b94'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'form_submissions',
        sa.Column('key', sa.String(length=64), nullable=False),
        sa.Column('target', sa.String(length=500), nullable=False),
        sa.Column('created_at', consult.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('key', name=op.f('pk_form_submissions')),
    )
    op.create_table(
        'meeting_minutes_versions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('meeting_id', sa.Integer(), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('replaced_at', consult.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('replaced_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_meeting_minutes_versions_meeting_id_meetings'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['replaced_by_id'], ['users.id'], name=op.f('fk_meeting_minutes_versions_replaced_by_id_users'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_minutes_versions')),
    )
    with op.batch_alter_table('meeting_minutes_versions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_minutes_versions_meeting_id'), ['meeting_id'], unique=False)


def downgrade():
    with op.batch_alter_table('meeting_minutes_versions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_minutes_versions_meeting_id'))
    op.drop_table('meeting_minutes_versions')
    op.drop_table('form_submissions')
