"""Decidim imports (file checksum, Decidim id of each contribution) and fiche deliberations

Revision ID: 46da20578f84
Revises: 5e7d1c3a9b24
Create Date: 2026-12-05 17:06:44.504241

"""
from alembic import op
import sqlalchemy as sa
import consult.core.db  # noqa: F401 - custom column types (UTCDateTime)


# revision identifiers, used by Alembic.
revision = '46da20578f84'
down_revision = '5e7d1c3a9b24'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('decidim_imports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('checksum', sa.String(length=64), nullable=False),
    sa.Column('proposal_count', sa.Integer(), nullable=False),
    sa.Column('comment_count', sa.Integer(), nullable=False),
    sa.Column('created_at', consult.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', consult.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_decidim_imports_meeting_id_meetings'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_decidim_imports')),
    sa.UniqueConstraint('meeting_id', 'checksum', name='uq_decidim_imports_file')
    )
    with op.batch_alter_table('decidim_imports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_decidim_imports_meeting_id'), ['meeting_id'], unique=False)

    op.create_table('decidim_records',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('import_id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('decidim_id', sa.BigInteger(), nullable=False),
    sa.Column('contribution_id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=True),
    sa.Column('labels', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['contribution_id'], ['contributions.id'], name=op.f('fk_decidim_records_contribution_id_contributions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['import_id'], ['decidim_imports.id'], name=op.f('fk_decidim_records_import_id_decidim_imports'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_decidim_records_meeting_id_meetings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['proposal_id'], ['contributions.id'], name=op.f('fk_decidim_records_proposal_id_contributions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_decidim_records')),
    sa.UniqueConstraint('contribution_id', name=op.f('uq_decidim_records_contribution_id')),
    sa.UniqueConstraint('meeting_id', 'kind', 'decidim_id', name='uq_decidim_records_row')
    )
    with op.batch_alter_table('decidim_records', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_decidim_records_import_id'), ['import_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_decidim_records_proposal_id'), ['proposal_id'], unique=False)

    op.create_table('deliberations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('fiche_id', sa.Integer(), nullable=False),
    sa.Column('identifier', sa.String(length=100), nullable=False),
    sa.Column('voted_on', sa.Date(), nullable=False),
    sa.Column('url', sa.String(length=500), nullable=False),
    sa.Column('created_at', consult.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', consult.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['fiche_id'], ['fiches.id'], name=op.f('fk_deliberations_fiche_id_fiches'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deliberations')),
    sa.UniqueConstraint('fiche_id', name=op.f('uq_deliberations_fiche_id'))
    )


def downgrade():
    op.drop_table('deliberations')
    with op.batch_alter_table('decidim_records', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_decidim_records_proposal_id'))
        batch_op.drop_index(batch_op.f('ix_decidim_records_import_id'))

    op.drop_table('decidim_records')
    with op.batch_alter_table('decidim_imports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_decidim_imports_meeting_id'))

    op.drop_table('decidim_imports')
