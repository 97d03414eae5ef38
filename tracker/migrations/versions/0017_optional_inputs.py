"""optional inputs: the renewable share of purchased electricity and a material price (issues 14 and 11)

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-30

Three nullable columns on measurements, empty on every existing row (nothing entered, "not collected"):
``renewable_pct`` (electricity: the percent of the figure from renewable sources), ``price`` and ``currency``
(material input: the price of one unit of the figure's unit, in the currency as typed). Hazardous waste and the
water source need no column: they are carriers (``hazardous_landfill``..., ``groundwater``...).
"""
import sqlalchemy as sa
from alembic import op

revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None

COLUMNS = ("renewable_pct", "price", "currency")


def upgrade() -> None:
    op.add_column('measurements', sa.Column('renewable_pct', sa.Float(), nullable=True))
    op.add_column('measurements', sa.Column('price', sa.Float(), nullable=True))
    op.add_column('measurements', sa.Column('currency', sa.String(length=3), nullable=True))


def downgrade() -> None:
    if op.get_bind().dialect.name == "duckdb":
        # as in 0007: DuckDB drops a column in place, with the index out of the way
        op.drop_index(op.f('ix_measurements_enterprise_id'), table_name='measurements')
        for name in COLUMNS:
            op.execute(f"ALTER TABLE measurements DROP COLUMN {name}")
        op.create_index(op.f('ix_measurements_enterprise_id'), 'measurements', ['enterprise_id'], unique=False)
    else:
        for name in COLUMNS:
            op.drop_column('measurements', name)
