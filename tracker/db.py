"""Engines, sessions, automatic migrations, and the one data-access home for both databases.

``open_database(url)`` is the one way in: it creates the engine, migrates the schema to the
newest Alembic revision (creating the DuckDB file and its folder on first use) and returns the
engine. A DuckDB file held by another process raises :class:`DatabaseLocked` with a message
that says what to do.

Bulk work is written once for DuckDB and PostgreSQL alike: :func:`bulk_insert` (DuckDB scans
the frame, PostgreSQL takes it by COPY), :func:`read_frame` (a SELECT, optionally restricted to
many ids, as a DataFrame) and :func:`delete_ids`.
"""
from __future__ import annotations

import re
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Date, create_engine, event, make_url
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import ArgumentError, DBAPIError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from tracker.config import ROOT, database_url
from tracker.models import Base

MIGRATIONS = ROOT / "tracker" / "migrations"
_migrate_lock = threading.Lock()


class DatabaseLocked(RuntimeError):
    """The DuckDB file is open read-write in another process."""


class DatabaseUnavailable(RuntimeError):
    """The database cannot be opened (bad URL, server down, unreadable file)."""


#: the databases this tracker runs on (SQLAlchemy backend names)
BACKENDS = ("duckdb", "postgresql")
_USE = ("Set SCORE_DB_URL to duckdb:///path/to/file.duckdb (a file on this machine) or "
        "postgresql+psycopg://user:password@host/dbname (a server).")


def shown_url(url: str) -> str:
    """``url`` with its password replaced by ***, whether or not SQLAlchemy can read it."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - not a URL at all: mask what looks like user:password@
        return re.sub(r"(://[^:/@]*):[^@]*@", r"\1:***@", url)


def check_url(url: str) -> None:
    """Raise :class:`DatabaseUnavailable`, saying what to set, unless ``url`` names a DuckDB or
    PostgreSQL database in a form SQLAlchemy reads (a MySQL or SQLite URL, a port that is not a
    number, a driver that is not installed are refused here, in words)."""
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError) as exc:
        why = "its port is not a number" if isinstance(exc, ValueError) else exc
        raise DatabaseUnavailable(f"{shown_url(url)!r} is not a database URL this tracker can use ({why}). "
                                  + _USE) from None
    backend = parsed.get_backend_name()
    if backend not in BACKENDS:
        raise DatabaseUnavailable(f"{shown_url(url)!r} is not a database URL this tracker can use: it names a "
                                  f"{backend} database, and the tracker works with DuckDB and PostgreSQL only. " + _USE)


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
    # no statement parameters in error messages: they would show a password hash to whoever sees one
    kwargs: dict = {"hide_parameters": True}
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


def run_revisions(engine: Engine, how, revision: str) -> None:
    """Run Alembic's ``how`` (command.upgrade or command.downgrade) to ``revision``.

    PostgreSQL runs every revision in one transaction: all or nothing. DuckDB runs each revision
    in a transaction of its own (migrations/env.py): it refuses to commit a transaction that
    changes a table's rows and then alters the table (revision 0005 fills enterprises.partner_id,
    a later revision adds a column to enterprises), so a failure leaves the database at the last
    revision that completed, which is itself consistent.
    """
    cfg = alembic_config(engine)
    per_revision = engine.dialect.name == "duckdb"
    with engine.connect() if per_revision else engine.begin() as conn:
        cfg.attributes["connection"] = conn
        how(cfg, revision)
        if per_revision:
            conn.commit()


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest revision (no-op when it is already there)."""
    with _migrate_lock:
        if current_revision(engine) == head_revision():
            return
        run_revisions(engine, command.upgrade, "head")
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
    check_url(url)
    try:
        engine = create(url)
    except (ArgumentError, ImportError) as exc:  # a driver SQLAlchemy does not know, or one not installed
        raise DatabaseUnavailable(f"{shown_url(url)!r} is not a database URL this tracker can use ({exc}). "
                                  + _USE) from None
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
            engine.dispose()
            if isinstance(exc, (OperationalError, DBAPIError)):
                raise DatabaseUnavailable(f"Cannot open the database {engine.url!r}: {exc.orig}") from None
            if isinstance(exc, OSError):  # a folder or file it may not create or read
                raise
            # e.g. a database of a newer version of the tracker (a revision this one does not know)
            first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
            raise DatabaseUnavailable(f"Cannot open the database {engine.url!r}: {first}") from None


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


#: above this many names or ids, read the whole (small) key table instead of binding them all
MANY = 2000


def connection(session_or_connection: Session | Connection) -> Connection:
    """The connection of a session's transaction (or the connection itself)."""
    if isinstance(session_or_connection, Session):
        return session_or_connection.connection()
    return session_or_connection


def bulk_insert(session_or_connection: Session | Connection, table: str, frame: pd.DataFrame) -> None:
    """Insert every row of ``frame`` (its columns named as the table's) in the caller's
    transaction: DuckDB scans the frame, PostgreSQL takes it by COPY. NaN and NaT are NULL;
    datetime64 columns go into DATE columns as dates."""
    if frame.empty:
        return
    conn = connection(session_or_connection)
    quote = conn.dialect.identifier_preparer.quote
    cols = ", ".join(quote(c) for c in frame.columns)
    if conn.dialect.name == "duckdb":
        with duckdb_view(conn, frame) as name:
            conn.exec_driver_sql(f"INSERT INTO {quote(table)} ({cols}) SELECT {cols} FROM {name}")
        return
    columns = Base.metadata.tables[table].columns
    dates = [c for c in frame.columns if isinstance(columns[c].type, Date)
             and pd.api.types.is_datetime64_any_dtype(frame[c])]
    if dates:
        frame = frame.assign(**{c: frame[c].dt.date for c in dates})
    clean = frame.astype(object).where(frame.notna(), None)
    if conn.dialect.name == "postgresql":
        with conn.connection.driver_connection.cursor() as cur:
            with cur.copy(f"COPY {quote(table)} ({cols}) FROM STDIN") as copy:
                for rec in clean.itertuples(index=False, name=None):
                    copy.write_row(rec)
    else:  # pragma: no cover - any other SQLAlchemy database
        conn.execute(Base.metadata.tables[table].insert(), clean.to_dict("records"))


def read_frame(session_or_connection: Session | Connection, sql: str, ids=None, id_column: str = "id"
               ) -> pd.DataFrame:
    """The rows of ``sql`` (a SELECT) as a DataFrame; with ``ids``, only those whose
    ``id_column`` is among them (any number of ids: DuckDB joins them as a table, PostgreSQL
    binds one array)."""
    conn = connection(session_or_connection)
    if conn.dialect.name == "duckdb":
        raw = conn.connection.driver_connection
        if ids is None:
            return raw.execute(sql).df()
        with duckdb_view(conn, pd.DataFrame({"id": np.asarray(ids, dtype=np.int64)})) as name:
            return raw.execute(f"SELECT * FROM ({sql}) q WHERE q.{id_column} IN (SELECT id FROM {name})").df()
    where = "" if ids is None else f" WHERE q.{id_column} = ANY(%(ids)s)"
    result = conn.exec_driver_sql(f"SELECT * FROM ({sql}) q{where}", {"ids": [int(i) for i in ids]} if ids else {})
    return pd.DataFrame(result.fetchall(), columns=list(result.keys()))


def delete_ids(session_or_connection: Session | Connection, table: str, id_column: str, ids=None) -> None:
    """Delete the rows of ``table`` whose ``id_column`` is among ``ids`` (None: every row)."""
    conn = connection(session_or_connection)
    if ids is None:
        conn.exec_driver_sql(f"DELETE FROM {table}")
    elif conn.dialect.name == "duckdb":
        with duckdb_view(conn, pd.DataFrame({"id": np.asarray(ids, dtype=np.int64)})) as name:
            conn.exec_driver_sql(f"DELETE FROM {table} WHERE {id_column} IN (SELECT id FROM {name})")
    else:
        conn.exec_driver_sql(f"DELETE FROM {table} WHERE {id_column} = ANY(%(ids)s)", {"ids": [int(i) for i in ids]})
