"""clusters: sectors within regions chosen by the programme, with the selection criteria; enterprises.cluster_id

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01

A new table and a nullable column: no enterprise belongs to a cluster until one is recorded.
"""
import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(sa.schema.CreateSequence(sa.Sequence('cluster_id_seq')))
    op.create_table('clusters',
    sa.Column('id', sa.Integer(), server_default=sa.text("nextval('cluster_id_seq')"), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('country', sa.String(length=2), nullable=False),
    sa.Column('region', sa.String(length=100), nullable=False),
    sa.Column('sector', sa.String(length=100), nullable=False),
    sa.Column('criteria', sa.String(length=200), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('selected_on', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_clusters')),
    sa.UniqueConstraint('name', name=op.f('uq_clusters_name'))
    )
    op.add_column('enterprises', sa.Column('cluster_id', sa.Integer(), nullable=True))
    if op.get_bind().dialect.name == "postgresql":  # foreign keys on PostgreSQL only (see 0001)
        op.create_foreign_key(op.f('fk_enterprises_cluster_id_clusters'), 'enterprises', 'clusters',
                              ['cluster_id'], ['id'])


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.drop_constraint(op.f('fk_enterprises_cluster_id_clusters'), 'enterprises', type_='foreignkey')
    op.drop_column('enterprises', 'cluster_id')
    op.drop_table('clusters')
    op.execute(sa.schema.DropSequence(sa.Sequence('cluster_id_seq')))
