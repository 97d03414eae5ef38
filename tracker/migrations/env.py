"""Alembic environment: migrates the database that tracker.db hands over (or SCORE_DB_URL)."""
from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

try:  # registers the DuckDB implementation with Alembic
    import duckdb_sqlalchemy.alembic_impl  # noqa: F401
except ImportError:  # pragma: no cover - only without DuckDB installed
    pass

from tracker.config import database_url
from tracker.models import Base

target_metadata = Base.metadata
config = context.config


def run_migrations_offline() -> None:
    context.configure(url=config.get_main_option("sqlalchemy.url") or database_url(),
                      target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = create_engine(config.get_main_option("sqlalchemy.url") or database_url())
    with engine.connect() as conn:
        _run(conn)
    engine.dispose()


def _run(connection) -> None:
    # DuckDB: one transaction per revision (see tracker.db.run_revisions); the caller hands over a
    # connection outside any transaction
    context.configure(connection=connection, target_metadata=target_metadata,
                      transaction_per_migration=connection.dialect.name == "duckdb")
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
