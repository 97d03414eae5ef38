"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""
import sqlalchemy as sa
from alembic import op

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None

# Integer keys come from explicit sequences (the same on DuckDB and PostgreSQL).


def _fk(columns, referred, name):
    """Foreign keys on PostgreSQL only.

    DuckDB implements an UPDATE of a referenced row as delete + insert and then refuses it
    while the key is still referenced (its documented foreign-key limitation), so on DuckDB
    referential integrity is kept by tracker's services instead.
    """
    if op.get_bind().dialect.name == "duckdb":
        return []
    return [sa.ForeignKeyConstraint(columns, referred, name=name)]


SEQUENCES = ['enterprise_id_seq', 'training_id_seq', 'measurement_id_seq', 'action_id_seq', 'user_id_seq',
             'audit_id_seq']


def upgrade() -> None:
    for name in SEQUENCES:
        op.execute(sa.schema.CreateSequence(sa.Sequence(name)))
    op.create_table('audit_log',
    sa.Column('id', sa.Integer(), server_default=sa.text("nextval('audit_id_seq')"), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('username', sa.String(length=100), nullable=False),
    sa.Column('action', sa.String(length=20), nullable=False),
    sa.Column('table_name', sa.String(length=50), nullable=False),
    sa.Column('record_id', sa.String(length=100), nullable=False),
    sa.Column('before', sa.Text(), nullable=False),
    sa.Column('after', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_log'))
    )
    op.create_index(op.f('ix_audit_log_at'), 'audit_log', ['at'], unique=False)
    op.create_table('enterprises',
    sa.Column('id', sa.Integer(), server_default=sa.text("nextval('enterprise_id_seq')"), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('country', sa.String(length=2), nullable=False),
    sa.Column('sector', sa.String(length=100), nullable=False),
    sa.Column('size', sa.String(length=20), nullable=False),
    sa.Column('partner', sa.String(length=200), nullable=False),
    sa.Column('synthetic', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_enterprises')),
    sa.UniqueConstraint('name', name=op.f('uq_enterprises_name'))
    )
    op.create_table('users',
    sa.Column('id', sa.Integer(), server_default=sa.text("nextval('user_id_seq')"), nullable=False),
    sa.Column('username', sa.String(length=100), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('failed_attempts', sa.Integer(), nullable=False),
    sa.Column('last_failed_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('username', name=op.f('uq_users_username'))
    )
    op.create_table('actions',
    sa.Column('id', sa.Integer(), server_default=sa.text("nextval('action_id_seq')"), nullable=False),
    sa.Column('enterprise_id', sa.Integer(), nullable=False),
    sa.Column('action_date', sa.Date(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('investment', sa.Float(), nullable=True),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('indicators', sa.String(length=200), nullable=False),
    *_fk(['enterprise_id'], ['enterprises.id'], name=op.f('fk_actions_enterprise_id_enterprises')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_actions'))
    )
    op.create_index(op.f('ix_actions_enterprise_id'), 'actions', ['enterprise_id'], unique=False)
    op.create_table('measurements',
    sa.Column('id', sa.Integer(), server_default=sa.text("nextval('measurement_id_seq')"), nullable=False),
    sa.Column('enterprise_id', sa.Integer(), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('phase', sa.String(length=20), nullable=False),
    sa.Column('indicator', sa.String(length=40), nullable=False),
    sa.Column('carrier', sa.String(length=40), nullable=False),
    sa.Column('value', sa.Float(), nullable=False),
    sa.Column('unit', sa.String(length=40), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('value_canonical', sa.Float(), nullable=True),
    sa.Column('unit_canonical', sa.String(length=40), nullable=False),
    sa.Column('factor_set', sa.String(length=40), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by', sa.String(length=100), nullable=False),
    *_fk(['enterprise_id'], ['enterprises.id'], name=op.f('fk_measurements_enterprise_id_enterprises')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_measurements')),
    sa.UniqueConstraint('enterprise_id', 'period_start', 'period_end', 'phase', 'indicator', 'carrier',
                        name='uq_measurements_key')
    )
    op.create_index(op.f('ix_measurements_enterprise_id'), 'measurements', ['enterprise_id'], unique=False)
    op.create_table('trainings',
    sa.Column('id', sa.Integer(), server_default=sa.text("nextval('training_id_seq')"), nullable=False),
    sa.Column('enterprise_id', sa.Integer(), nullable=False),
    sa.Column('module', sa.String(length=100), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=True),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('cohort', sa.String(length=50), nullable=False),
    sa.Column('managers_female', sa.Integer(), nullable=False),
    sa.Column('managers_male', sa.Integer(), nullable=False),
    sa.Column('workers_female', sa.Integer(), nullable=False),
    sa.Column('workers_male', sa.Integer(), nullable=False),
    *_fk(['enterprise_id'], ['enterprises.id'], name=op.f('fk_trainings_enterprise_id_enterprises')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_trainings'))
    )
    op.create_index(op.f('ix_trainings_enterprise_id'), 'trainings', ['enterprise_id'], unique=False)
    op.create_table('user_enterprises',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('enterprise_id', sa.Integer(), nullable=False),
    *_fk(['enterprise_id'], ['enterprises.id'], name=op.f('fk_user_enterprises_enterprise_id_enterprises')),
    *_fk(['user_id'], ['users.id'], name=op.f('fk_user_enterprises_user_id_users')),
    sa.PrimaryKeyConstraint('user_id', 'enterprise_id', name=op.f('pk_user_enterprises'))
    )


def downgrade() -> None:
    op.drop_table('user_enterprises')
    op.drop_index(op.f('ix_trainings_enterprise_id'), table_name='trainings')
    op.drop_table('trainings')
    op.drop_index(op.f('ix_measurements_enterprise_id'), table_name='measurements')
    op.drop_table('measurements')
    op.drop_index(op.f('ix_actions_enterprise_id'), table_name='actions')
    op.drop_table('actions')
    op.drop_table('users')
    op.drop_table('enterprises')
    op.drop_index(op.f('ix_audit_log_at'), table_name='audit_log')
    op.drop_table('audit_log')
    for name in SEQUENCES:
        op.execute(sa.schema.DropSequence(sa.Sequence(name)))
