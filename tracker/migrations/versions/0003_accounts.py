"""accounts: users.email, the single sign-on identity mapped to an account

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23

A nullable column with a unique constraint, added through a unique index (DuckDB cannot add
a constraint to an existing table; an index enforces the same rule on both databases).
"""
import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('users', sa.Column('email', sa.String(length=254), nullable=True))
    op.create_index('uq_users_email', 'users', ['email'], unique=True)


def downgrade() -> None:
    op.drop_index('uq_users_email', table_name='users')
    op.drop_column('users', 'email')
