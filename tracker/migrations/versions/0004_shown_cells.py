"""shown cells: the differencing guard's memory, in the database

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30

The guard (tracker.disclosure) remembered the cells it had shown in each app process and
forgot them whenever any data changed (a failed sign-in was enough). It now keeps them here,
shared by every process. The table starts empty: nothing shown before is known.
"""
import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('shown_cells',
    sa.Column('figure', sa.String(length=60), nullable=False),
    sa.Column('n', sa.Integer(), nullable=False),
    sa.Column('s1', sa.BigInteger(), nullable=False),
    sa.Column('s2', sa.BigInteger(), nullable=False),
    sa.Column('s3', sa.BigInteger(), nullable=False),
    sa.Column('first_shown_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('figure', 'n', 's1', 's2', 's3', name=op.f('pk_shown_cells'))
    )


def downgrade() -> None:
    op.drop_table('shown_cells')
