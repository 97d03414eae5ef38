"""targets: a reduction of an indicator by a date, per enterprise (issue 14)

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-30

A new table; no enterprise has a target until one is set on its Profile page.
"""
import sqlalchemy as sa
from alembic import op

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def _fk(columns, referred, name):
    """Foreign keys on PostgreSQL only (see 0001)."""
    if op.get_bind().dialect.name == "duckdb":
        return []
    return [sa.ForeignKeyConstraint(columns, referred, name=name)]


def upgrade() -> None:
    op.execute(sa.schema.CreateSequence(sa.Sequence('target_id_seq')))
    op.create_table('targets',
    sa.Column('id', sa.Integer(), server_default=sa.text("nextval('target_id_seq')"), nullable=False),
    sa.Column('enterprise_id', sa.Integer(), nullable=False),
    sa.Column('indicator', sa.String(length=40), nullable=False),
    sa.Column('basis', sa.String(length=20), nullable=False),
    sa.Column('reduction', sa.Float(), nullable=False),
    sa.Column('target_date', sa.Date(), nullable=False),
    sa.Column('set_by', sa.String(length=100), nullable=False),
    sa.Column('set_at', sa.DateTime(), nullable=False),
    *_fk(['enterprise_id'], ['enterprises.id'], name=op.f('fk_targets_enterprise_id_enterprises')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_targets')),
    sa.UniqueConstraint('enterprise_id', 'indicator', name=op.f('uq_targets_enterprise_id'))
    )
    op.create_index(op.f('ix_targets_enterprise_id'), 'targets', ['enterprise_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_targets_enterprise_id'), table_name='targets')
    op.drop_table('targets')
    op.execute(sa.schema.DropSequence(sa.Sequence('target_id_seq')))
