"""user language: the locale each person reads and types in, stored on the account

Revision ID: 0018
Revises: 0017
Create Date: 2026-11-30

One nullable column of ``users``; empty for existing accounts, which keep reading their browser's
language until the person chooses one (sign-in page or My account).
"""
import sqlalchemy as sa
from alembic import op

revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "duckdb":  # the column a DuckDB downgrade left (see below) is reused
        op.execute("ALTER TABLE users ADD COLUMN IF NOT EXISTS language VARCHAR(20)")
    else:
        op.add_column('users', sa.Column('language', sa.String(length=20), nullable=True))


def downgrade() -> None:
    if op.get_bind().dialect.name == "duckdb":
        # DuckDB drops no column of a table an index depends on (users has uq_users_email), and
        # within one transaction it cannot create an index again under the name it just dropped
        # (1.5: "already exists"); the unused nullable column stays, and the upgrade reuses it
        return
    op.drop_column('users', 'language')
