"""Moderation queue: full-text search on contributions.body.

PostgreSQL: GIN index ix_contributions_body_fts on to_tsvector('french', body).
SQLite: FTS5 table contributions_fts (external content) and its three triggers.
Both are created by consult.moderation.queue.install_search, which the tests
also run after create_all; Alembic autogenerate is told to ignore them.

Revision ID: 5f1c0a9e7b21
Revises: c2b234dade2c
Create Date: 2026-11-25 09:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

from consult.moderation.queue import drop_search, install_search


# revision identifiers, used by Alembic.
revision = '5f1c0a9e7b21'
down_revision = 'c2b234dade2c'
branch_labels = None
depends_on = None


def upgrade():
    bind = op.get_bind()
    if bind.dialect.name == 'postgresql':
        op.create_index(
            'ix_contributions_body_fts', 'contributions',
            [sa.text("to_tsvector('french', body)")],
            unique=False, postgresql_using='gin', if_not_exists=True,
        )
    # SQLite: FTS5 table, triggers and initial rebuild (PostgreSQL: the index, already there).
    install_search(bind)


def downgrade():
    bind = op.get_bind()
    if bind.dialect.name == 'postgresql':
        op.drop_index('ix_contributions_body_fts', table_name='contributions', if_exists=True)
    drop_search(bind)
