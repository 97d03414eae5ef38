"""partners: implementation partners as records; enterprises.partner (free text) becomes partner_id

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01

Every distinct partner text of the enterprises, trimmed of surrounding white space (as the app
trims what it stores), becomes one partner record: the same spelling once, two spellings two
records (an admin can merge them on the Partners page). Its type is '' (not recorded yet); its
country is the enterprises' country when they all share one, else ''. Each enterprise points to
the record of its text; an empty text points to none. Nothing else changes, and downgrade
writes each enterprise's partner name back as text.

DuckDB refuses to commit a transaction that updates a table and then drops one of its columns
("another transaction has altered this table"), and Alembic runs every revision in one
transaction: so the enterprise -> partner pairs are first kept in a helper table, the text
column is dropped, the new column added and filled from the helper table, which is dropped.
"""
import datetime as dt

import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

_PAIRS = '_partner_pairs'
_TEXTS = '_partner_texts'


def _postgresql() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def upgrade() -> None:
    bind = op.get_bind()
    op.execute(sa.schema.CreateSequence(sa.Sequence('partner_id_seq')))
    op.create_table('partners',
    sa.Column('id', sa.Integer(), server_default=sa.text("nextval('partner_id_seq')"), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('type', sa.String(length=40), nullable=False),
    sa.Column('country', sa.String(length=2), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_partners')),
    sa.UniqueConstraint('name', name=op.f('uq_partners_name'))
    )
    # the distinct texts (few), each with its trimmed name, in a helper table the database can join on
    texts = sa.table(_TEXTS, sa.column('text', sa.String), sa.column('name', sa.String))
    op.create_table(_TEXTS, sa.Column('text', sa.String(length=200), nullable=False),
                    sa.Column('name', sa.String(length=200), nullable=False))
    raw = [r[0] for r in bind.exec_driver_sql("SELECT DISTINCT partner FROM enterprises").all()]
    named = [{"text": t, "name": t.strip()} for t in raw if t is not None and t.strip()]
    if named:
        op.bulk_insert(texts, named)
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    bind.execute(sa.text(
        "INSERT INTO partners (name, type, country, created_at) "
        "SELECT t.name, '', CASE WHEN count(DISTINCT e.country) = 1 THEN min(e.country) ELSE '' END, :now "
        f"FROM enterprises e JOIN {_TEXTS} t ON t.text = e.partner GROUP BY t.name ORDER BY t.name"), {"now": now})
    op.create_table(_PAIRS, sa.Column('enterprise_id', sa.Integer(), nullable=False),
                    sa.Column('partner_id', sa.Integer(), nullable=False))
    bind.exec_driver_sql(f"INSERT INTO {_PAIRS} (enterprise_id, partner_id) SELECT e.id, p.id FROM enterprises e "
                         f"JOIN {_TEXTS} t ON t.text = e.partner JOIN partners p ON p.name = t.name")
    op.drop_column('enterprises', 'partner')
    op.add_column('enterprises', sa.Column('partner_id', sa.Integer(), nullable=True))
    bind.exec_driver_sql(f"UPDATE enterprises SET partner_id = {_PAIRS}.partner_id FROM {_PAIRS} "
                         f"WHERE {_PAIRS}.enterprise_id = enterprises.id")
    op.drop_table(_PAIRS)
    op.drop_table(_TEXTS)
    if _postgresql():  # foreign keys on PostgreSQL only (see 0001)
        op.create_foreign_key(op.f('fk_enterprises_partner_id_partners'), 'enterprises', 'partners',
                              ['partner_id'], ['id'])


def downgrade() -> None:
    bind = op.get_bind()
    if _postgresql():
        op.drop_constraint(op.f('fk_enterprises_partner_id_partners'), 'enterprises', type_='foreignkey')
    op.create_table(_PAIRS, sa.Column('enterprise_id', sa.Integer(), nullable=False),
                    sa.Column('name', sa.String(length=200), nullable=False))
    bind.exec_driver_sql(f"INSERT INTO {_PAIRS} (enterprise_id, name) SELECT e.id, p.name FROM enterprises e "
                         "JOIN partners p ON p.id = e.partner_id")
    op.drop_column('enterprises', 'partner_id')
    # DuckDB cannot add a NOT NULL column: the default fills every row, PostgreSQL gets the constraint back
    op.add_column('enterprises', sa.Column('partner', sa.String(length=200), nullable=True, server_default=''))
    bind.exec_driver_sql(f"UPDATE enterprises SET partner = {_PAIRS}.name FROM {_PAIRS} "
                         f"WHERE {_PAIRS}.enterprise_id = enterprises.id")
    if _postgresql():
        op.alter_column('enterprises', 'partner', nullable=False)
    op.drop_table(_PAIRS)
    op.drop_table('partners')
    op.execute(sa.schema.DropSequence(sa.Sequence('partner_id_seq')))
