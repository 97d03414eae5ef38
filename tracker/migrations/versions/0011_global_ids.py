"""global ids: a stable identifier on every record an offline visit carries; the server's visit key;
the visit packages merged

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-30

Enterprises, figures (measurements), improvement actions and module records (trainings) get a
column ``gid``: a random UUID, given to every existing row here and to every new row by the
database itself (a volatile default, so that bulk inserts get one too). A record keeps its gid
wherever it goes: a visit package carries it to a laptop and back, so a record is never
duplicated, whatever the order of merges (tracker/visits.py).

``settings`` holds the server's identity and the secret that signs the visit packages it
exports; ``visit_merges`` the packages merged (each once).
"""
import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

#: the tables whose rows get a global id
TABLES = ('enterprises', 'measurements', 'actions', 'trainings')
#: a fresh UUID as text, in DuckDB and PostgreSQL (13+) alike, evaluated per row
NEW_GID = "CAST(gen_random_uuid() AS VARCHAR)"


def upgrade() -> None:
    for table in TABLES:
        # DuckDB and PostgreSQL both evaluate a volatile default for every existing row
        op.add_column(table, sa.Column('gid', sa.String(length=36), server_default=sa.text(NEW_GID), nullable=True))
        op.execute(f"UPDATE {table} SET gid = {NEW_GID} WHERE gid IS NULL")
    op.create_table('settings',
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_settings'))
    )
    op.create_table('visit_merges',
    sa.Column('package_id', sa.String(length=36), nullable=False),
    sa.Column('trainer', sa.String(length=100), nullable=False),
    sa.Column('merged_by', sa.String(length=100), nullable=False),
    sa.Column('merged_at', sa.DateTime(), nullable=False),
    sa.Column('changes', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('package_id', name=op.f('pk_visit_merges'))
    )


def downgrade() -> None:
    op.drop_table('visit_merges')
    op.drop_table('settings')
    for table in TABLES:
        if op.get_bind().dialect.name == "duckdb":
            # in place (see 0007): the dialect's drop_column would rebuild the table from a reflection
            indexed = table != 'enterprises'
            if indexed:
                op.drop_index(op.f(f'ix_{table}_enterprise_id'), table_name=table)
            op.execute(f"ALTER TABLE {table} DROP COLUMN gid")
            if indexed:
                op.create_index(op.f(f'ix_{table}_enterprise_id'), table, ['enterprise_id'], unique=False)
        else:
            op.drop_column(table, 'gid')
