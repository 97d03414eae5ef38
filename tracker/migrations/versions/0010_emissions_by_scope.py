"""emissions by scope: enterprise_summary gains scope 1 and scope 2 rates and its factor set

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30

Scope 1 (fuels: CO2, CH4 and N2O in CO2e) and scope 2 (grid electricity, location based) per
day at baseline and follow-up, and the factor-set version each row was computed with. Rows
stored before keep their figures and are marked as computed with factor set 2026.1 (CO2 only
for fuels, no split by scope): results do not change silently; a row is recomputed, with the
factor set in force, when its enterprise's figures are next saved.
"""
import sqlalchemy as sa
from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

COLUMNS = ('scope1_baseline', 'scope1_followup', 'scope2_baseline', 'scope2_followup')


def upgrade() -> None:
    for name in COLUMNS:
        op.add_column('enterprise_summary', sa.Column(name, sa.Float(), nullable=True))
    op.add_column('enterprise_summary', sa.Column('factor_set', sa.String(length=40), nullable=True))
    op.execute("UPDATE enterprise_summary SET factor_set = '2026.1'")


def downgrade() -> None:
    for name in (*COLUMNS, 'factor_set'):
        if op.get_bind().dialect.name == "duckdb":  # in place (see 0007)
            op.execute(f"ALTER TABLE enterprise_summary DROP COLUMN {name}")
        else:
            op.drop_column('enterprise_summary', name)
