"""regression baselines in the summary: enterprise_summary gains savings_uncertainty

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-30

An enterprise with a valid regression baseline of energy on production (and degree days; metrics.regression)
gets a summary row of the indicator ``energy_regression``: the expected and the actual energy a day over its
follow-up, and the 95 % half-width of the modelled savings a day in the new column ``savings_uncertainty``, so
that the programme overview sums the modelled savings without fitting anything. The summary is derived data: it
is recomputed here from the stored measurements, as revisions 0010 and 0012 do; only the columns the table has
at this revision are written.
"""
import sqlalchemy as sa
from alembic import op

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('enterprise_summary', sa.Column('savings_uncertainty', sa.Float(), nullable=True))
    from tracker import summary_upgrade

    summary_upgrade.recompute(revision)  # once per upgrade: in the last revision of it that recomputes


def downgrade() -> None:
    op.get_bind().exec_driver_sql("DELETE FROM enterprise_summary WHERE indicator = 'energy_regression'")
    if op.get_bind().dialect.name == "duckdb":  # in place (see 0007)
        op.execute("ALTER TABLE enterprise_summary DROP COLUMN savings_uncertainty")
    else:
        op.drop_column('enterprise_summary', 'savings_uncertainty')
