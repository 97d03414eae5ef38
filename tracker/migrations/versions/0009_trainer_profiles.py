"""trainer profiles: each trainer's path (ToT, recommendation, certification); trainings.trainer_id

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01

A new table (one row per trainer account, made when a profile is first saved) and a nullable
column naming the trainer who delivered a module: no existing module record names one (which of
an enterprise's trainers delivered it is not known), and none is guessed.
"""
import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def _fk(columns, referred, name):
    """Foreign keys on PostgreSQL only (see 0001)."""
    if op.get_bind().dialect.name == "duckdb":
        return []
    return [sa.ForeignKeyConstraint(columns, referred, name=name)]


def upgrade() -> None:
    op.create_table('trainer_profiles',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('provider_id', sa.Integer(), nullable=True),
    sa.Column('country', sa.String(length=2), nullable=False),
    sa.Column('tot_date', sa.Date(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('recommended_by', sa.String(length=100), nullable=False),
    sa.Column('recommended_on', sa.Date(), nullable=True),
    sa.Column('certified_on', sa.Date(), nullable=True),
    sa.Column('modules', sa.String(length=400), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    *_fk(['user_id'], ['users.id'], name=op.f('fk_trainer_profiles_user_id_users')),
    *_fk(['provider_id'], ['partners.id'], name=op.f('fk_trainer_profiles_provider_id_partners')),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_trainer_profiles'))
    )
    op.add_column('trainings', sa.Column('trainer_id', sa.Integer(), nullable=True))
    if op.get_bind().dialect.name == "postgresql":
        op.create_foreign_key(op.f('fk_trainings_trainer_id_users'), 'trainings', 'users', ['trainer_id'], ['id'])


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.drop_constraint(op.f('fk_trainings_trainer_id_users'), 'trainings', type_='foreignkey')
    op.drop_column('trainings', 'trainer_id')
    op.drop_table('trainer_profiles')
