"""statement language: the locale a results statement was written in (issue 12)

Revision ID: 0019
Revises: 0018
Create Date: 2026-11-30

One column of ``statements``: a statement is written in the language of whoever issues it, and keeps it (its
HTML is frozen, its PDF printed from that HTML). Statements issued before were written in English: 'en'.
"""
import sqlalchemy as sa
from alembic import op

revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('statements', sa.Column('language', sa.String(length=35), nullable=True, server_default='en'))
    op.execute("UPDATE statements SET language = 'en' WHERE language IS NULL")


def downgrade() -> None:
    if op.get_bind().dialect.name == "duckdb":
        # in place (see 0007, 0011, 0016): the dialect's drop_column would rebuild the table from a reflection
        op.drop_index(op.f('ix_statements_enterprise_id'), table_name='statements')
        op.execute("ALTER TABLE statements DROP COLUMN language")
        op.create_index(op.f('ix_statements_enterprise_id'), 'statements', ['enterprise_id'], unique=False)
    else:
        op.drop_column('statements', 'language')
