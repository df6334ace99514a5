"""Imported files keep their checksum, so the same file is recognised when it comes again

Revision ID: 5e1c0a7d2b94
Revises: 5d1c2e3a7b90
Create Date: 2026-12-05 16:50:00

"""

import hashlib

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "5e1c0a7d2b94"
down_revision = "5d1c2e3a7b90"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("contribution_imports", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("checksum", sa.String(length=64), server_default="", nullable=False)
        )
        batch_op.create_index(
            batch_op.f("ix_contribution_imports_checksum"), ["checksum"], unique=False
        )
    # Files uploaded before this revision: their checksum from the content still stored.
    imports = sa.table(
        "contribution_imports",
        sa.column("id", sa.Integer),
        sa.column("content", sa.LargeBinary),
        sa.column("checksum", sa.String),
    )
    connection = op.get_bind()
    stored = connection.execute(sa.select(imports.c.id, imports.c.content)).all()
    for ident, content in stored:
        if content:
            connection.execute(
                imports.update()
                .where(imports.c.id == ident)
                .values(checksum=hashlib.sha256(content).hexdigest())
            )


def downgrade():
    with op.batch_alter_table("contribution_imports", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contribution_imports_checksum"))
        batch_op.drop_column("checksum")
