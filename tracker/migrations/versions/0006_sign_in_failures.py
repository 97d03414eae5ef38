"""sign-in failures: throttling counters per user name and per client address, in the database

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30

Sign-in was throttled per user name only, and failures for names without an account were
counted in each app process. Both kinds of counter now live here, shared by every process.
users.failed_attempts stays, as the count the Users page shows.
"""
import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('sign_in_failures',
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('last_failed_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('kind', 'key', name=op.f('pk_sign_in_failures'))
    )


def downgrade() -> None:
    op.drop_table('sign_in_failures')
