"""measurement version: a row version, so that two people saving the same figure find out

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30

Every stored figure gets version 1; each change adds one. A save from the entry form names the
versions its form saw: a figure changed by someone else since then is not overwritten silently.
"""
import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('measurements', sa.Column('version', sa.Integer(), server_default='1', nullable=True))
    op.execute("UPDATE measurements SET version = 1 WHERE version IS NULL")


def downgrade() -> None:
    if op.get_bind().dialect.name == "duckdb":
        # DuckDB drops the column in place; the dialect's drop_column would rebuild the table from a
        # reflection whose unique-constraint name is longer than SQLAlchemy accepts
        # (and it alters no table an index depends on: the index goes and comes back)
        op.drop_index(op.f('ix_measurements_enterprise_id'), table_name='measurements')
        op.execute("ALTER TABLE measurements DROP COLUMN version")
        op.create_index(op.f('ix_measurements_enterprise_id'), 'measurements', ['enterprise_id'], unique=False)
    else:
        op.drop_column('measurements', 'version')
