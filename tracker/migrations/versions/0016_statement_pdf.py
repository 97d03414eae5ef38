"""statement PDFs: a results statement's PDF, printed once from its HTML as issued, and its SHA-256

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-30

Two columns of ``statements``, empty for the statements issued before: the PDF (base64 text, so that the
backup's CSV files hold it as they hold any text) is printed from the stored HTML the first time someone
asks for it, and from then on that same file is given; ``statement verify`` accepts it by its SHA-256.
"""
import sqlalchemy as sa
from alembic import op

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('statements', sa.Column('pdf', sa.Text(), nullable=True))
    op.add_column('statements', sa.Column('pdf_sha256', sa.String(length=64), nullable=True))


def downgrade() -> None:
    if op.get_bind().dialect.name == "duckdb":
        # in place (see 0007, 0011): the dialect's drop_column would rebuild the table from a reflection
        op.drop_index(op.f('ix_statements_enterprise_id'), table_name='statements')
        op.execute("ALTER TABLE statements DROP COLUMN pdf_sha256")
        op.execute("ALTER TABLE statements DROP COLUMN pdf")
        op.create_index(op.f('ix_statements_enterprise_id'), 'statements', ['enterprise_id'], unique=False)
    else:
        op.drop_column('statements', 'pdf_sha256')
        op.drop_column('statements', 'pdf')
