"""statements: issued results statements, their figures frozen (issue 14 item 2)

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-30

A new table; no statement exists until one is issued from an enterprise's report.
"""
import sqlalchemy as sa
from alembic import op

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('statements',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('enterprise_id', sa.Integer(), nullable=False),
    sa.Column('issued_at', sa.DateTime(), nullable=False),
    sa.Column('issued_by', sa.String(length=100), nullable=False),
    sa.Column('factor_set', sa.String(length=20), nullable=False),
    sa.Column('period', sa.String(length=60), nullable=False),
    sa.Column('inputs_sha256', sa.String(length=64), nullable=False),
    sa.Column('figures', sa.Text(), nullable=False),
    sa.Column('html', sa.Text(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    *([] if op.get_bind().dialect.name == "duckdb" else
      [sa.ForeignKeyConstraint(['enterprise_id'], ['enterprises.id'],
                               name=op.f('fk_statements_enterprise_id_enterprises'))]),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_statements'))
    )
    op.create_index(op.f('ix_statements_enterprise_id'), 'statements', ['enterprise_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_statements_enterprise_id'), table_name='statements')
    op.drop_table('statements')
