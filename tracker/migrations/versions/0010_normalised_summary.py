"""enterprise summary: the figures per unit of production (ISO 50006) as rows of their own

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30

No schema change: the summary is derived data, recomputed here from the measurements so that a
database upgraded from 0009 has the rows ``energy_per_production``, ``water_per_production`` ... that
every write now keeps current (tracker.summary). Only the columns the table has at this revision are
written, so a later revision that adds a column still upgrades from here.
"""
from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    from tracker import summary_upgrade

    summary_upgrade.recompute(revision)  # once per upgrade: in the last revision of it that recomputes


def downgrade() -> None:
    names = ("energy", "water", "waste", "material_input", "material_wasted")  # metrics.NORMALISED at this revision
    listed = ", ".join(f"'{n}_per_production'" for n in names)
    op.get_bind().exec_driver_sql(f"DELETE FROM enterprise_summary WHERE indicator IN ({listed})")
