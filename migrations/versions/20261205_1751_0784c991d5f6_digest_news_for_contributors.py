"""News for contributors: digest subscriptions (address kept apart), news found, deliveries

Revision ID: 0784c991d5f6
Revises: 46da20578f84
Create Date: 2026-12-05 17:51:49.427057

"""
from alembic import op
import sqlalchemy as sa
import consult.core.db  # noqa: F401 - custom column types (UTCDateTime)


# revision identifiers, used by Alembic.
revision = '0784c991d5f6'
down_revision = '46da20578f84'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('digest_news',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=120), nullable=False),
    sa.Column('scheme_id', sa.Integer(), nullable=False),
    sa.Column('fiche_id', sa.Integer(), nullable=True),
    sa.Column('text', sa.String(length=700), nullable=False),
    sa.Column('occurred_at', consult.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['fiche_id'], ['fiches.id'], name=op.f('fk_digest_news_fiche_id_fiches'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['scheme_id'], ['schemes.id'], name=op.f('fk_digest_news_scheme_id_schemes'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_digest_news')),
    sa.UniqueConstraint('source', name=op.f('uq_digest_news_source'))
    )
    with op.batch_alter_table('digest_news', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_digest_news_fiche_id'), ['fiche_id'], unique=False)

    op.create_table('digest_subscriptions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('contribution_id', sa.Integer(), nullable=True),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('token', sa.String(length=64), nullable=False),
    sa.Column('created_at', consult.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('unsubscribed_at', consult.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint('(user_id IS NULL) <> (email IS NULL)', name=op.f('ck_digest_subscriptions_recipient')),
    sa.ForeignKeyConstraint(['contribution_id'], ['contributions.id'], name=op.f('fk_digest_subscriptions_contribution_id_contributions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_digest_subscriptions_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_digest_subscriptions')),
    sa.UniqueConstraint('contribution_id', name=op.f('uq_digest_subscriptions_contribution_id')),
    sa.UniqueConstraint('token', name=op.f('uq_digest_subscriptions_token')),
    sa.UniqueConstraint('user_id', name=op.f('uq_digest_subscriptions_user_id'))
    )
    op.create_table('digest_deliveries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('subscription_id', sa.Integer(), nullable=False),
    sa.Column('news_id', sa.Integer(), nullable=False),
    sa.Column('sent_at', consult.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['news_id'], ['digest_news.id'], name=op.f('fk_digest_deliveries_news_id_digest_news'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['subscription_id'], ['digest_subscriptions.id'], name=op.f('fk_digest_deliveries_subscription_id_digest_subscriptions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_digest_deliveries')),
    sa.UniqueConstraint('subscription_id', 'news_id', name=op.f('uq_digest_deliveries_subscription_id'))
    )
    with op.batch_alter_table('digest_deliveries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_digest_deliveries_news_id'), ['news_id'], unique=False)



def downgrade():
    with op.batch_alter_table('digest_deliveries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_digest_deliveries_news_id'))

    op.drop_table('digest_deliveries')
    op.drop_table('digest_subscriptions')
    with op.batch_alter_table('digest_news', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_digest_news_fiche_id'))

    op.drop_table('digest_news')
