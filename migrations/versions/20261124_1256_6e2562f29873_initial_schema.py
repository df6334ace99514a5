"""Initial schema: accounts, scheme, meetings, contributions, jobs, site settings.

Revision ID: 6e2562f29873
Revises: 
Create Date: 2026-11-24 12:56:15.580771

"""
import sqlalchemy as sa
from alembic import op

import consult.core.db


# revision identifiers, used by Alembic.
revision = '6e2562f29873'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('job_runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('queue', sa.String(length=40), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('progress', sa.Integer(), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('created_at', consult.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('started_at', consult.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('finished_at', consult.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_job_runs'))
    )
    with op.batch_alter_table('job_runs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_job_runs_status'), ['status'], unique=False)

    op.create_table('login_attempts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('ip', sa.String(length=64), nullable=False),
    sa.Column('succeeded', sa.Boolean(), nullable=False),
    sa.Column('at', consult.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_login_attempts'))
    )
    with op.batch_alter_table('login_attempts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_login_attempts_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_login_attempts_email'), ['email'], unique=False)
        batch_op.create_index(batch_op.f('ix_login_attempts_ip'), ['ip'], unique=False)

    op.create_table('organisations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('created_at', consult.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', consult.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organisations')),
    sa.UniqueConstraint('name', name=op.f('uq_organisations_name'))
    )
    op.create_table('publics',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=60), nullable=False),
    sa.Column('label', sa.String(length=200), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_publics')),
    sa.UniqueConstraint('code', name=op.f('uq_publics_code'))
    )
    op.create_table('site_settings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('department_name', sa.String(length=120), nullable=False),
    sa.Column('platform_name', sa.String(length=120), nullable=False),
    sa.Column('primary_colour', sa.String(length=7), nullable=False),
    sa.Column('contact_email', sa.String(length=254), nullable=False),
    sa.Column('logo', sa.LargeBinary(), nullable=True),
    sa.Column('logo_mimetype', sa.String(length=40), nullable=False),
    sa.Column('created_at', consult.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', consult.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_site_settings'))
    )
    op.create_table('territories',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=60), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=60), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['parent_id'], ['territories.id'], name=op.f('fk_territories_parent_id_territories'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_territories')),
    sa.UniqueConstraint('code', name=op.f('uq_territories_code'))
    )
    with op.batch_alter_table('territories', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_territories_parent_id'), ['parent_id'], unique=False)

    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('display_name', sa.String(length=120), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('password_hash', sa.String(length=255), nullable=True),
    sa.Column('session_token', sa.String(length=64), nullable=False),
    sa.Column('is_active_account', sa.Boolean(), nullable=False),
    sa.Column('invited_by_id', sa.Integer(), nullable=True),
    sa.Column('invited_at', consult.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_login_at', consult.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', consult.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', consult.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['invited_by_id'], ['users.id'], name=op.f('fk_users_invited_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_users_organisation_id_organisations'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('email', name=op.f('uq_users_email'))
    )
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_users_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_users_role'), ['role'], unique=False)

    op.create_table('schemes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=120), nullable=False),
    sa.Column('department', sa.String(length=120), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('period', sa.String(length=40), nullable=False),
    sa.Column('source', sa.Text(), nullable=False),
    sa.Column('level_names', sa.JSON(), nullable=False),
    sa.Column('process_figures', sa.JSON(), nullable=False),
    sa.Column('extra', sa.JSON(), nullable=False),
    sa.Column('imported_at', consult.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('imported_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', consult.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', consult.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['imported_by_id'], ['users.id'], name=op.f('fk_schemes_imported_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_schemes')),
    sa.UniqueConstraint('slug', name=op.f('uq_schemes_slug'))
    )
    op.create_table('security_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('ip', sa.String(length=64), nullable=False),
    sa.Column('detail', sa.String(length=500), nullable=False),
    sa.Column('at', consult.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_security_events_actor_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_security_events_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_security_events'))
    )
    with op.batch_alter_table('security_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_security_events_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_security_events_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_security_events_user_id'), ['user_id'], unique=False)

    op.create_table('axes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('scheme_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=20), nullable=False),
    sa.Column('title', sa.String(length=500), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['scheme_id'], ['schemes.id'], name=op.f('fk_axes_scheme_id_schemes'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_axes')),
    sa.UniqueConstraint('scheme_id', 'number', name=op.f('uq_axes_scheme_id'))
    )
    op.create_table('meetings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('scheme_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=True),
    sa.Column('place', sa.String(length=300), nullable=False),
    sa.Column('territory_id', sa.Integer(), nullable=True),
    sa.Column('join_code', sa.String(length=12), nullable=False),
    sa.Column('user_groups', sa.JSON(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('opened_at', consult.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('closed_at', consult.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', consult.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', consult.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_meetings_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['scheme_id'], ['schemes.id'], name=op.f('fk_meetings_scheme_id_schemes'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['territory_id'], ['territories.id'], name=op.f('fk_meetings_territory_id_territories'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meetings')),
    sa.UniqueConstraint('join_code', name=op.f('uq_meetings_join_code'))
    )
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meetings_scheme_id'), ['scheme_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_meetings_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_meetings_territory_id'), ['territory_id'], unique=False)

    op.create_table('themes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('scheme_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=20), nullable=False),
    sa.Column('title', sa.String(length=500), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['scheme_id'], ['schemes.id'], name=op.f('fk_themes_scheme_id_schemes'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_themes')),
    sa.UniqueConstraint('scheme_id', 'number', name=op.f('uq_themes_scheme_id'))
    )
    op.create_table('contributions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('author_type', sa.String(length=20), nullable=False),
    sa.Column('channel', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('pseudonym', sa.String(length=80), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('on_behalf_of', sa.String(length=200), nullable=False),
    sa.Column('territory_id', sa.Integer(), nullable=True),
    sa.Column('receipt_code', sa.String(length=12), nullable=False),
    sa.Column('idempotency_key', sa.String(length=64), nullable=True),
    sa.Column('support_count', sa.Integer(), nullable=False),
    sa.Column('published_at', consult.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', consult.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', consult.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_contributions_author_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_contributions_meeting_id_meetings'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_contributions_organisation_id_organisations'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_contributions_recorded_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['territory_id'], ['territories.id'], name=op.f('fk_contributions_territory_id_territories'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contributions')),
    sa.UniqueConstraint('idempotency_key', name=op.f('uq_contributions_idempotency_key')),
    sa.UniqueConstraint('receipt_code', name=op.f('uq_contributions_receipt_code'))
    )
    with op.batch_alter_table('contributions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contributions_author_id'), ['author_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_contributions_meeting_id'), ['meeting_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_contributions_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_contributions_territory_id'), ['territory_id'], unique=False)

    op.create_table('meeting_themes',
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('theme_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_meeting_themes_meeting_id_meetings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['theme_id'], ['themes.id'], name=op.f('fk_meeting_themes_theme_id_themes'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('meeting_id', 'theme_id', name=op.f('pk_meeting_themes'))
    )
    op.create_table('objectives',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('axis_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=20), nullable=False),
    sa.Column('title', sa.String(length=500), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['axis_id'], ['axes.id'], name=op.f('fk_objectives_axis_id_axes'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_objectives')),
    sa.UniqueConstraint('axis_id', 'number', name=op.f('uq_objectives_axis_id'))
    )
    op.create_table('contribution_publics',
    sa.Column('contribution_id', sa.Integer(), nullable=False),
    sa.Column('public_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['contribution_id'], ['contributions.id'], name=op.f('fk_contribution_publics_contribution_id_contributions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['public_id'], ['publics.id'], name=op.f('fk_contribution_publics_public_id_publics'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('contribution_id', 'public_id', name=op.f('pk_contribution_publics'))
    )
    op.create_table('fiches',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('scheme_id', sa.Integer(), nullable=False),
    sa.Column('axis_id', sa.Integer(), nullable=True),
    sa.Column('objective_id', sa.Integer(), nullable=True),
    sa.Column('number', sa.String(length=20), nullable=False),
    sa.Column('title', sa.String(length=500), nullable=False),
    sa.Column('part', sa.String(length=120), nullable=False),
    sa.Column('policy', sa.String(length=200), nullable=False),
    sa.Column('pilots', sa.Text(), nullable=False),
    sa.Column('partners', sa.Text(), nullable=False),
    sa.Column('internal_partners', sa.Text(), nullable=False),
    sa.Column('schedule', sa.Text(), nullable=False),
    sa.Column('context', sa.JSON(), nullable=False),
    sa.Column('objectives', sa.JSON(), nullable=False),
    sa.Column('implementation', sa.JSON(), nullable=False),
    sa.Column('extra', sa.JSON(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['axis_id'], ['axes.id'], name=op.f('fk_fiches_axis_id_axes'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['objective_id'], ['objectives.id'], name=op.f('fk_fiches_objective_id_objectives'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['scheme_id'], ['schemes.id'], name=op.f('fk_fiches_scheme_id_schemes'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fiches')),
    sa.UniqueConstraint('scheme_id', 'number', name=op.f('uq_fiches_scheme_id'))
    )
    with op.batch_alter_table('fiches', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_fiches_axis_id'), ['axis_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_fiches_objective_id'), ['objective_id'], unique=False)

    op.create_table('actions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('fiche_id', sa.Integer(), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['fiche_id'], ['fiches.id'], name=op.f('fk_actions_fiche_id_fiches'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['parent_id'], ['actions.id'], name=op.f('fk_actions_parent_id_actions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_actions'))
    )
    with op.batch_alter_table('actions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_actions_fiche_id'), ['fiche_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_actions_parent_id'), ['parent_id'], unique=False)

    op.create_table('fiche_links',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('fiche_id', sa.Integer(), nullable=False),
    sa.Column('target_number', sa.String(length=20), nullable=False),
    sa.Column('target_id', sa.Integer(), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['fiche_id'], ['fiches.id'], name=op.f('fk_fiche_links_fiche_id_fiches'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['target_id'], ['fiches.id'], name=op.f('fk_fiche_links_target_id_fiches'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fiche_links'))
    )
    with op.batch_alter_table('fiche_links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_fiche_links_fiche_id'), ['fiche_id'], unique=False)

    op.create_table('indicators',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('fiche_id', sa.Integer(), nullable=False),
    sa.Column('label', sa.Text(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['fiche_id'], ['fiches.id'], name=op.f('fk_indicators_fiche_id_fiches'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_indicators'))
    )
    with op.batch_alter_table('indicators', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_indicators_fiche_id'), ['fiche_id'], unique=False)



def downgrade():
    with op.batch_alter_table('indicators', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_indicators_fiche_id'))

    op.drop_table('indicators')
    with op.batch_alter_table('fiche_links', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_fiche_links_fiche_id'))

    op.drop_table('fiche_links')
    with op.batch_alter_table('actions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_actions_parent_id'))
        batch_op.drop_index(batch_op.f('ix_actions_fiche_id'))

    op.drop_table('actions')
    with op.batch_alter_table('fiches', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_fiches_objective_id'))
        batch_op.drop_index(batch_op.f('ix_fiches_axis_id'))

    op.drop_table('fiches')
    op.drop_table('contribution_publics')
    op.drop_table('objectives')
    op.drop_table('meeting_themes')
    with op.batch_alter_table('contributions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contributions_territory_id'))
        batch_op.drop_index(batch_op.f('ix_contributions_status'))
        batch_op.drop_index(batch_op.f('ix_contributions_meeting_id'))
        batch_op.drop_index(batch_op.f('ix_contributions_author_id'))

    op.drop_table('contributions')
    op.drop_table('themes')
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meetings_territory_id'))
        batch_op.drop_index(batch_op.f('ix_meetings_status'))
        batch_op.drop_index(batch_op.f('ix_meetings_scheme_id'))

    op.drop_table('meetings')
    op.drop_table('axes')
    with op.batch_alter_table('security_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_security_events_user_id'))
        batch_op.drop_index(batch_op.f('ix_security_events_kind'))
        batch_op.drop_index(batch_op.f('ix_security_events_at'))

    op.drop_table('security_events')
    op.drop_table('schemes')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_users_role'))
        batch_op.drop_index(batch_op.f('ix_users_organisation_id'))

    op.drop_table('users')
    with op.batch_alter_table('territories', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_territories_parent_id'))

    op.drop_table('territories')
    op.drop_table('site_settings')
    op.drop_table('publics')
    op.drop_table('organisations')
    with op.batch_alter_table('login_attempts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_login_attempts_ip'))
        batch_op.drop_index(batch_op.f('ix_login_attempts_email'))
        batch_op.drop_index(batch_op.f('ix_login_attempts_at'))

    op.drop_table('login_attempts')
    with op.batch_alter_table('job_runs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_job_runs_status'))

    op.drop_table('job_runs')
