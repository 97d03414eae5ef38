"""emissions by scope: enterprise_summary gains scope 1 and scope 2 rates and its factor set

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-30

Scope 1 (fuels: CO2, CH4 and N2O in CO2e) and scope 2 (grid electricity, location based) per
day at baseline and follow-up, and the factor-set version each row was computed with. The
summary is derived data: it is recomputed here from the stored measurements (whose canonical
values keep the factor set they were converted with, ``measurements.factor_set``), with the
emission factors in force, as revision 0010 does; only the columns the table has at this
revision are written, so a later revision that adds a column still upgrades from here.
"""
import sqlalchemy as sa
from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

COLUMNS = ('scope1_baseline', 'scope1_followup', 'scope2_baseline', 'scope2_followup')


def upgrade() -> None:
    for name in COLUMNS:
        op.add_column('enterprise_summary', sa.Column(name, sa.Float(), nullable=True))
    op.add_column('enterprise_summary', sa.Column('factor_set', sa.String(length=40), nullable=True))
    from tracker import summary_upgrade

    summary_upgrade.recompute(revision)  # once per upgrade: in the last revision of it that recomputes


def downgrade() -> None:
    for name in (*COLUMNS, 'factor_set'):
        if op.get_bind().dialect.name == "duckdb":  # in place (see 0007)
            op.execute(f"ALTER TABLE enterprise_summary DROP COLUMN {name}")
        else:
            op.drop_column('enterprise_summary', name)
