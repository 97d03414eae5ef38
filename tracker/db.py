"""Engines, sessions and automatic migrations.

``open_database(url)`` is the one way in: it creates the engine, migrates the schema to the
newest Alembic revision (creating the DuckDB file and its folder on first use) and returns the
engine. A DuckDB file held by another process raises :class:`DatabaseLocked` with a message
that says what to do.
"""
from __future__ import annotations

import threading
import time
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pandas as pd
import pyarrow as pa

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, event, make_url
from sqlalchemy.engine import Engine
from sqlalchemy.exc import ArgumentError, DBAPIError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from tracker.config import ROOT, database_url

MIGRATIONS = ROOT / "tracker" / "migrations"
_migrate_lock = threading.Lock()


class DatabaseLocked(RuntimeError):
    """The DuckDB file is open read-write in another process."""


class DatabaseUnavailable(RuntimeError):
    """The database cannot be opened (bad URL, server down, unreadable file)."""


def _is_lock_error(exc: BaseException) -> bool:
    text = str(exc)
    return "Could not set lock" in text or "Conflicting lock" in text


def _duckdb_path(url: str) -> Path | None:
    prefix = "duckdb:///"
    if url.startswith(prefix):
        path = url[len(prefix):].split("?", 1)[0]
        if path and path != ":memory:" and not path.startswith("md:"):
            return Path(path)
    return None


def create(url: str | None = None) -> Engine:
    """Create an engine for ``url`` (default: SCORE_DB_URL or the embedded DuckDB file)."""
    url = url or database_url()
    path = _duckdb_path(url)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    kwargs: dict = {}
    if url.startswith("postgresql"):
        kwargs.update(pool_pre_ping=True, pool_size=10, max_overflow=20)
    engine = create_engine(url, **kwargs)
    if url.startswith("postgresql"):
        @event.listens_for(engine, "connect")
        def _utc(dbapi_conn, _record):  # timestamps are stored as naive UTC
            with dbapi_conn.cursor() as cur:
                cur.execute("SET TIME ZONE 'UTC'")
    return engine


def alembic_config(engine: Engine | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if engine is not None:
        cfg.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False).replace("%", "%%"))
    return cfg


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head_revision() -> str:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest revision (no-op when it is already there)."""
    with _migrate_lock:
        if current_revision(engine) == head_revision():
            return
        cfg = alembic_config(engine)
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
        if engine.dialect.name == "duckdb":
            # Write the schema change into the file at once. DuckDB cannot replay an ALTER TABLE
            # of a table with a nextval() default from its write-ahead log (duckdb/duckdb#18259,
            # #20543): a process killed before the next checkpoint would leave a file that no
            # longer opens.
            with engine.connect() as conn:
                conn.exec_driver_sql("CHECKPOINT")


def open_database(url: str | None = None, *, wait_seconds: float = 0.0) -> Engine:
    """Create the engine, check it can be opened, and migrate it.

    When the DuckDB file is locked by another process, retry for ``wait_seconds`` and then
    raise :class:`DatabaseLocked`.
    """
    url = url or database_url()
    try:
        engine = create(url)
    except ArgumentError as exc:  # not a URL, or a database SQLAlchemy has no driver for
        shown = make_url(url).render_as_string(hide_password=True) if "://" in url else url
        raise DatabaseUnavailable(
            f"{shown!r} is not a database URL this tracker can use ({exc}). Set SCORE_DB_URL to "
            "duckdb:///path/to/file.duckdb or postgresql+psycopg://user:password@host/dbname.") from None
    deadline = time.monotonic() + wait_seconds
    while True:
        try:
            migrate(engine)
            return engine
        except (OperationalError, DBAPIError, Exception) as exc:  # noqa: BLE001 - classified below
            if _is_lock_error(exc):
                engine.dispose()
                if time.monotonic() < deadline:
                    time.sleep(0.5)
                    engine = create(url)
                    continue
                path = _duckdb_path(url)
                raise DatabaseLocked(
                    f"The database file {path} is in use by another process (probably a running "
                    "`streamlit run app.py`). Stop that process, or point SCORE_DB_URL at a "
                    "PostgreSQL server for shared multi-user use, and try again."
                ) from None
            if isinstance(exc, (OperationalError, DBAPIError)):
                engine.dispose()
                raise DatabaseUnavailable(f"Cannot open the database {engine.url!r}: {exc.orig}") from None
            raise


@contextmanager
def session_scope(engine: Engine, *, readonly: bool = False) -> Iterator[Session]:
    """A session that commits on success and rolls back on error.

    On DuckDB, transactions that write run one at a time within the process (the only process
    that can have the file open read-write): DuckDB's optimistic concurrency would otherwise
    abort one of two transactions that touch the same row ("Conflict on update"), and under
    load a writer could lose that race again and again. ``readonly=True`` skips the wait, for
    sessions that only read (they see a consistent snapshot either way).
    """
    factory = _factories.get(engine)
    if factory is None:
        factory = _factories.setdefault(engine, sessionmaker(engine, expire_on_commit=False))
    lock = None if readonly else _writer_lock(engine)
    if lock is not None:
        lock.acquire()
    try:
        with factory() as session:
            with session.begin():
                yield session
    finally:
        if lock is not None:
            lock.release()


def _writer_lock(engine: Engine) -> threading.RLock | None:
    """The process-wide writer lock of a DuckDB database (shared by engines on the same file)."""
    if engine.dialect.name != "duckdb":
        return None  # PostgreSQL handles concurrent writers; conflicts there are retried
    database = engine.url.database
    key = str(Path(database).resolve()) if database and database != ":memory:" else f":memory:{id(engine)}"
    with _writer_locks_guard:
        return _writer_locks.setdefault(key, threading.RLock())


_writer_locks: dict[str, threading.RLock] = {}
_writer_locks_guard = threading.Lock()
_factories: dict[Engine, sessionmaker] = {}


@contextmanager
def duckdb_view(conn, frame: pd.DataFrame):
    """Show ``frame`` to DuckDB under a fresh name for the ``with`` block (yields the name).

    It goes in as an Arrow table: DuckDB scans Arrow columns directly, about three times faster
    than pandas' Arrow-backed string columns, which it converts value by value.
    """
    raw = conn.connection.driver_connection
    name = f"staged_{uuid.uuid4().hex}"
    raw.register(name, pa.Table.from_pandas(frame, preserve_index=False))
    try:
        yield name
    finally:
        raw.unregister(name)
