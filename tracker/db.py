"""Engines, sessions, automatic migrations, and the one data-access home for both databases.

``open_database(url)`` is the one way in: it creates the engine, migrates the schema to the
newest Alembic revision (creating the DuckDB file and its folder on first use) and returns the
engine. A DuckDB file held by another process raises :class:`DatabaseLocked` with a message
that says what to do.

Bulk work is written once for DuckDB and PostgreSQL alike: :func:`bulk_insert` (DuckDB scans
the frame as Arrow; PostgreSQL takes it by one COPY, a CSV buffer per batch), :func:`read_frame`
(a SELECT, optionally restricted to many ids, as a DataFrame: DuckDB's own ``.df()``, PostgreSQL's
COPY TO STDOUT parsed by Arrow, never a Python object per value) and :func:`delete_ids`.
"""
from __future__ import annotations

import ctypes
import re
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Boolean, Date, DateTime, Float, Integer, create_engine, event, make_url
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import ArgumentError, DBAPIError, IntegrityError, OperationalError
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
                # dates as YYYY-MM-DD and floats exact in COPY's text, whatever the server's defaults
                cur.execute("SET TIME ZONE 'UTC'; SET DateStyle = 'ISO, YMD'; SET extra_float_digits = 3")
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


#: what one run of a page remembers between the services it calls (tracker.auth.one_run sets it, and
#: reads the accounts it holds); every session that may write empties it when it ends
RUN_MEMO: ContextVar[dict | None] = ContextVar("run_memo", default=None)


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
        if not readonly and (memo := RUN_MEMO.get()) is not None:
            memo.clear()  # what it wrote may be an account: read afresh after it


@contextmanager
def name_taken(message: str, **by_column: str) -> Iterator[None]:
    """Turn the database's refusal of a second row with the same unique name into
    ``ValueError(message)`` (or ``by_column``'s message where the refusal names that column: an
    account's ``email``): the words a service says when its own check finds the name taken. On
    PostgreSQL two people can save the same name at the same moment; both checks pass and the
    unique index refuses the later insert. Wrap the statement that inserts or renames (its flush)."""
    try:
        yield
    except IntegrityError as exc:
        text = str(exc.orig).lower()
        if "unique" in text or "duplicate" in text:
            said = next((m for column, m in by_column.items() if column in text), message)
            raise ValueError(said) from None
        raise


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


#: per DuckDB engine: (the threads setting to restore, bulk saves running on one thread)
_one_thread: dict[Engine, tuple[int, int]] = {}
_one_thread_lock = threading.Lock()


#: rows of a DuckDB row group: a transaction's inserted rows are written to the database file
#: before the commit (and leave memory) a whole row group at a time, within one statement; an
#: insert of fewer rows is held in memory until the commit
ROW_GROUP = 122_880


def duckdb_append(conn, table: str, frame: pd.DataFrame) -> None:
    """DuckDB: insert ``frame`` into ``table`` as one scan of an Arrow table; the table's other
    columns take their defaults (as an INSERT naming the frame's columns gives them).

    Not through a view of :func:`duckdb_view`: a view dropped inside a transaction is kept,
    with the Arrow table it shows, until the transaction ends, so a bulk import in pieces held
    every piece it had stored (some hundreds of megabytes at two million rows). A relation
    read from the Arrow table is freed when the statement is done."""
    raw = conn.connection.driver_connection
    quote = conn.dialect.identifier_preparer.quote
    columns = raw.execute("SELECT column_name, column_default FROM duckdb_columns() WHERE database_name = "
                          "current_database() AND schema_name = current_schema() AND table_name = ? "
                          "ORDER BY column_index", [table]).fetchall()
    given = set(frame.columns)
    select = ", ".join(quote(name) if name in given else f"{default or 'NULL'} AS {quote(name)}"
                       for name, default in columns)
    relation = raw.from_arrow(pa.Table.from_pandas(frame, preserve_index=False)).project(select)
    threads = _one_thread.get(conn.engine, (1, 0))[0]  # inside one_duckdb_thread: the database's own setting
    if threads <= 1:
        relation.insert_into(table)
        return
    # DuckDB writes inserted row groups to its file before the commit only in its parallel insert: on
    # one thread a bulk import held every piece in memory until the commit (200 MB more at 1M rows)
    raw.execute(f"SET threads = {threads}")
    try:
        relation.insert_into(table)
    finally:
        raw.execute("SET threads = 1")


@contextmanager
def one_duckdb_thread(engine: Engine) -> Iterator[None]:
    """DuckDB: run the ``with`` block (a whole transaction, its commit included) on one thread but
    for its bulk inserts (:func:`duckdb_append`), then restore the database's setting when the last
    such block of the process ends; nothing elsewhere. A bulk import's inserts and commit took 2.5x
    the CPU seconds on two threads as on one on the shared two-core machine (bench/RESULTS.md,
    issue 17 item 4), but only DuckDB's parallel insert writes row groups to the file before the
    commit. The setting is the database's, not a connection's: a reader in the same process
    meanwhile runs on one thread too."""
    if engine.dialect.name != "duckdb":
        yield
        return
    with _one_thread_lock:
        threads, running = _one_thread.get(engine, (0, 0))
        if not running:
            with engine.connect() as conn:
                threads = int(conn.exec_driver_sql("SELECT current_setting('threads')").scalar())
                conn.exec_driver_sql("SET threads = 1")
        _one_thread[engine] = (threads, running + 1)
    try:
        yield
    finally:
        with _one_thread_lock:
            threads, running = _one_thread.pop(engine)
            if running > 1:
                _one_thread[engine] = (threads, running - 1)
            else:
                with engine.connect() as conn:
                    conn.exec_driver_sql(f"SET threads = {threads}")


#: above this many names or ids, read the whole (small) key table instead of binding them all
MANY = 2000


def connection(session_or_connection: Session | Connection) -> Connection:
    """The connection of a session's transaction (or the connection itself)."""
    if isinstance(session_or_connection, Session):
        return session_or_connection.connection()
    return session_or_connection


#: rows per COPY buffer: one buffer of CSV text is built and written per batch
COPY_BATCH = 100_000


def _arrow_type(column) -> pa.DataType:
    """The Arrow type a value of this table column travels as."""
    kind = column.type
    if isinstance(kind, Date):
        return pa.date32()
    if isinstance(kind, DateTime):
        return pa.timestamp("us")
    if isinstance(kind, Boolean):
        return pa.bool_()
    if isinstance(kind, Integer):
        return pa.int64()
    if isinstance(kind, Float):
        return pa.float64()
    return pa.string()


def _arrow_table(table: str, frame: pd.DataFrame) -> pa.Table:
    """``frame`` as Arrow with the table's column types (NaN, NaT and None are null; datetime64
    columns going into DATE columns become dates)."""
    columns = Base.metadata.tables[table].columns
    arrays = []
    for name in frame.columns:
        values = frame[name]
        target = _arrow_type(columns[name])
        if isinstance(values.dtype, pd.CategoricalDtype):
            values = values.astype(object)
        if target == pa.date32() and pd.api.types.is_datetime64_any_dtype(values):
            array = pa.array(values.to_numpy(dtype="datetime64[D]"), mask=values.isna().to_numpy())
        else:
            array = pa.array(values, from_pandas=True)
        # timestamps: nanoseconds are cut to the microseconds both databases keep
        arrays.append(array if array.type == target else array.cast(target, safe=not pa.types.is_timestamp(target)))
    return pa.Table.from_arrays(arrays, names=list(frame.columns))


def copy_csv(conn: Connection, table: str, frame: pd.DataFrame) -> None:
    """PostgreSQL: insert ``frame`` with one COPY statement, written as one CSV buffer per
    :data:`COPY_BATCH` rows (strings always quoted, NULL as an unquoted empty field, so an
    empty text stays empty)."""
    quote = conn.dialect.identifier_preparer.quote
    cols = ", ".join(quote(c) for c in frame.columns)
    data = _arrow_table(table, frame)
    options = pacsv.WriteOptions(include_header=False, quoting_style="needed")
    with conn.connection.driver_connection.cursor() as cur:
        with cur.copy(f"COPY {quote(table)} ({cols}) FROM STDIN (FORMAT csv)") as copy:
            for start in range(0, data.num_rows, COPY_BATCH):
                buffer = pa.BufferOutputStream()
                pacsv.write_csv(data.slice(start, COPY_BATCH), buffer, options)
                copy.write(buffer.getvalue())


def bulk_insert(session_or_connection: Session | Connection, table: str, frame: pd.DataFrame) -> None:
    """Insert every row of ``frame`` (its columns named as the table's) in the caller's
    transaction: DuckDB scans the frame (:func:`duckdb_append`), PostgreSQL takes it by COPY (:func:`copy_csv`). NaN,
    NaT and None are NULL; datetime64 columns go into DATE columns as dates."""
    if frame.empty:
        return
    conn = connection(session_or_connection)
    if conn.dialect.name == "duckdb":
        duckdb_append(conn, table, frame)
    elif conn.dialect.name == "postgresql":
        copy_csv(conn, table, frame)
    else:  # pragma: no cover - any other SQLAlchemy database
        clean = frame.astype(object).where(frame.notna(), None)
        conn.execute(Base.metadata.tables[table].insert(), clean.to_dict("records"))


#: PostgreSQL type oids -> the Arrow type a column is read as (others are read as text)
_PG_TYPES = {16: pa.bool_(), 20: pa.int64(), 21: pa.int16(), 23: pa.int32(), 700: pa.float32(),
             701: pa.float64(), 1082: pa.date32(), 1114: pa.timestamp("us")}


def _pandas(data: pa.Table) -> pd.DataFrame:
    """An Arrow table as pandas, the same for both databases: dates and timestamps as
    datetime64[us], integers and booleans with NULLs as pandas' nullable types, dictionary
    columns as categoricals with their categories sorted (as ``astype("category")`` makes them).

    Each Arrow column is let go once converted, and the columns are not consolidated into one
    block per type (a copy of every float column): the peak is the frame plus one column."""
    out = {}
    names = data.column_names
    columns = list(data.columns)
    del data  # the caller's reference is gone too (read_frame): each column is freed once converted
    for name in names:
        col = columns.pop(0)
        kind = col.type
        if pa.types.is_date32(kind):
            col = col.cast(pa.timestamp("us"))
        if col.null_count and (pa.types.is_integer(kind) or pa.types.is_boolean(kind)):
            nullable = {pa.int16(): pd.Int16Dtype(), pa.int32(): pd.Int32Dtype(), pa.int64(): pd.Int64Dtype(),
                        pa.bool_(): pd.BooleanDtype()}[kind]
            out[name] = col.to_pandas(types_mapper={kind: nullable}.get)
        elif pa.types.is_dictionary(kind):
            values = col.to_pandas()
            out[name] = values.cat.reorder_categories(sorted(values.cat.categories))
        else:
            out[name] = col.to_pandas()
        del col
    return pd.DataFrame(out, columns=names, copy=False)


def _copy_bytes(raw, statement: str, params: dict | None) -> bytearray:
    """PostgreSQL: what ``COPY (...) TO STDOUT`` sends, whole. The server sends a message per
    row; psycopg's Copy iterator costs a generator round trip per message, libpq's blocking
    PQgetCopyData in a loop a third of that (the COPY is started and checked through psycopg)."""
    from psycopg import errors, pq

    text, results = bytearray(), []
    with raw.cursor() as cur, cur.copy(statement, params):
        pgconn = raw.pgconn
        while True:
            nbytes, data = pgconn.get_copy_data(0)
            if nbytes < 0:
                break
            text += data  # appended at once: a row's buffer is freed before the next is read
        while (result := pgconn.get_result()) is not None:  # the COPY's own result(s), read to the end
            results.append(result)
    for result in results:
        if result.status != pq.ExecStatus.COMMAND_OK:
            raise errors.error_from_result(result, encoding=raw.info.encoding)
    return text


def copy_out(conn: Connection, sql: str, params: dict | None = None, categorical=()) -> pa.Table:
    """PostgreSQL: the rows of ``sql`` by ``COPY (...) TO STDOUT`` as CSV, parsed by Arrow into
    columns (``categorical`` ones dictionary-encoded): no Python object per value, nor a
    SQLAlchemy Row per row."""
    raw = conn.connection.driver_connection
    with raw.cursor() as cur:
        cur.execute(f"SELECT * FROM ({sql}) q LIMIT 0", params)  # the column names and types only
        names = [d.name for d in cur.description]
        types = {n: _PG_TYPES.get(d.type_code, pa.string()) for n, d in zip(names, cur.description, strict=True)}
    types.update({n: pa.dictionary(pa.int32(), pa.string()) for n in categorical})
    text = _copy_bytes(raw, f"COPY ({sql}) TO STDOUT (FORMAT csv)", params)
    if not text:
        return pa.table({n: pa.array([], type=t) for n, t in types.items()})
    # one thread: on a shared two-core server Arrow's threads cost more CPU than they save
    return pacsv.read_csv(
        pa.py_buffer(text), read_options=pacsv.ReadOptions(column_names=names, use_threads=False),
        parse_options=pacsv.ParseOptions(newlines_in_values=True),
        convert_options=pacsv.ConvertOptions(column_types=types, null_values=[""], strings_can_be_null=True,
                                             quoted_strings_can_be_null=False, true_values=["t"],
                                             false_values=["f"]))


def _load_libc():
    try:
        return ctypes.CDLL("libc.so.6")
    except OSError:  # not glibc (macOS, musl): nothing to release
        return None


_LIBC = _load_libc()


def release_freed_memory() -> None:
    """Hand the memory freed so far back to the system (glibc's ``malloc_trim``). glibc keeps freed blocks
    in its heap for the next allocations: after the overview's frames of 300,000 enterprises are made, that is
    400 MB that the process keeps and no frame uses, and each step that frees a frame's intermediate arrays
    before the next is made would otherwise add to the process's peak. A no-op where there is no glibc."""
    if _LIBC is not None and hasattr(_LIBC, "malloc_trim"):
        _LIBC.malloc_trim(0)


def _keys(ids) -> np.ndarray:
    """Ids as int64, or names as Python texts."""
    values = np.asarray(list(ids) if not isinstance(ids, (np.ndarray, pd.Series, pd.Index)) else ids)
    if values.dtype.kind in "iuf" or len(values) == 0:
        return values.astype(np.int64)
    return values.astype(object)


def read_arrow(session_or_connection: Session | Connection, sql: str, ids=None, id_column: str = "id",
               order: str | None = None, categorical=()) -> pa.Table:
    """The rows of ``sql`` (a SELECT) as an Arrow table; with ``ids``, only those whose
    ``id_column`` is among them (any number of ids, or of names: DuckDB joins them as a table,
    PostgreSQL binds one array); ``order`` is an ORDER BY list over the columns of ``sql``;
    ``categorical`` names text columns to dictionary-encode."""
    conn = connection(session_or_connection)
    tail = f" ORDER BY {order}" if order else ""
    if conn.dialect.name == "duckdb":
        raw = conn.connection.driver_connection
        if ids is None:
            data = raw.execute(f"SELECT * FROM ({sql}) q{tail}").to_arrow_table()
        else:
            with duckdb_view(conn, pd.DataFrame({"id": _keys(ids)})) as name:
                data = raw.execute(f"SELECT * FROM ({sql}) q WHERE q.{id_column} IN (SELECT id FROM {name}){tail}"
                                   ).to_arrow_table()
        for n in categorical:
            data = data.set_column(data.column_names.index(n), n, pc.dictionary_encode(data[n]))
        return data
    where = "" if ids is None else f" WHERE q.{id_column} = ANY(%(ids)s)"
    params = {"ids": _keys(ids).tolist()} if ids is not None else None
    return copy_out(conn, f"SELECT * FROM ({sql}) q{where}{tail}", params, categorical)


def read_frame(session_or_connection: Session | Connection, sql: str, ids=None, id_column: str = "id",
               order: str | None = None, categorical=()) -> pd.DataFrame:
    """:func:`read_arrow` as a DataFrame, with the same column types from both databases
    (``categorical`` columns as pandas categoricals)."""
    return _pandas(read_arrow(session_or_connection, sql, ids, id_column, order, categorical))


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
