"""enterprise summary: per enterprise and indicator, precomputed for the programme overview

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24

The table is derived data: it is rebuilt from the measurements after the upgrade (and by
``tracker.summary.rebuild`` whenever needed), and kept current by every write.
"""
import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('enterprise_summary',
    sa.Column('enterprise_id', sa.Integer(), nullable=False),
    sa.Column('indicator', sa.String(length=40), nullable=False),
    sa.Column('unit', sa.String(length=40), nullable=False),
    sa.Column('has_baseline', sa.Boolean(), nullable=False),
    sa.Column('has_followup', sa.Boolean(), nullable=False),
    sa.Column('baseline', sa.Float(), nullable=True),
    sa.Column('followup', sa.Float(), nullable=True),
    sa.Column('relative_change', sa.Float(), nullable=True),
    sa.Column('points', sa.Float(), nullable=True),
    sa.Column('baseline_days', sa.Integer(), nullable=True),
    sa.Column('followup_days', sa.Integer(), nullable=True),
    sa.Column('followup_end', sa.Date(), nullable=True),
    sa.Column('co2e_baseline', sa.Float(), nullable=True),
    sa.Column('co2e_followup', sa.Float(), nullable=True),
    sa.Column('flags', sa.String(length=200), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('enterprise_id', 'indicator', 'unit', name=op.f('pk_enterprise_summary'))
    )
    # a database that already holds figures gets its summary now
    from sqlalchemy.orm import Session

    from tracker import summary

    bind = op.get_bind()
    if bind.exec_driver_sql("SELECT count(*) FROM measurements").scalar():
        with Session(bind=bind) as session:
            summary.refresh(session, None)


def downgrade() -> None:
    op.drop_table('enterprise_summary')
