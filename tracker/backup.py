"""Backup and restore of the whole database as a folder of CSV files plus a manifest.

A backup holds one CSV per table (every column, ids included) and ``manifest.json`` with the
schema revision, the row counts and a SHA-256 per file. Derived tables (the programme
overview's enterprise summary) are not backed up; restore recomputes them. Restore goes into
an empty database of the same revision (DuckDB or PostgreSQL, either way round), checks the
files against the manifest, inserts every table in one transaction, and moves each id
sequence past the largest restored id so that later inserts do not collide.

A backup holds credentials: every account's password hash and single sign-on e-mail (table
users), and the secret that signs this server's visit packages (table settings). Its folder is
written readable by its owner only (0700) and so is every file in it (0600), whatever the umask,
and the manifest says so (:data:`CREDENTIALS`).

In the CSV files an empty cell of a number, date or time column is NULL. In a text column
NULL is written ``\\N`` and a text that itself starts with a backslash gets one more, so that
NULL, the empty text and any other text all come back exactly as they were.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from pathlib import Path

import pandas as pd
from sqlalchemy import Sequence, Table, func, select, text
from sqlalchemy.engine import Engine

from metrics.i18n import _
from tracker import summary
from tracker.db import bulk_insert, current_revision, session_scope
from tracker.models import Base

FORMAT = 2
NULL = "\\N"
#: recomputed from the other tables on restore, never backed up
DERIVED = ("enterprise_summary",)
#: what the manifest says about the backup's secrets
CREDENTIALS = ("This backup holds credentials: every account's password hash (argon2, in users.csv) and single "
               "sign-on e-mail, and the secret that signs this server's offline visit packages (settings.csv: "
               "whoever holds it can forge a package this server accepts). "
               "Keep it where only administrators can read it (the folder is written 0700, its "
               "files 0600), and delete copies you no longer need.")
FOLDER_MODE, FILE_MODE = 0o700, 0o600


def tables() -> list[tuple[str, str | None]]:
    """(table, the sequence behind its integer key or None), parents before children."""
    out = []
    for table in Base.metadata.sorted_tables:
        if table.name in DERIVED:
            continue
        seqs = [c.default.name for c in table.primary_key.columns if isinstance(c.default, Sequence)]
        out.append((table.name, seqs[0] if seqs else None))
    return out


#: tables in dependency order, with the sequence behind each integer key
TABLES = tables()


class BackupError(ValueError):
    """A backup folder that cannot be restored (or written), with the reason."""


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _is_text(column) -> bool:
    try:
        return column.type.python_type is str
    except NotImplementedError:  # pragma: no cover - a type without a Python equivalent
        return True


def _encode(df: pd.DataFrame, table: Table) -> pd.DataFrame:
    """Text columns with NULL as ``\\N`` and a leading backslash doubled (see the module doc)."""
    out = df.copy()
    for col in table.columns:
        if _is_text(col):
            out[col.name] = [NULL if v is None or (isinstance(v, float) and pd.isna(v))
                             else "\\" + v if isinstance(v, str) and v.startswith("\\") else v
                             for v in out[col.name].astype(object)]
    return out


def _decode_text(values: pd.Series) -> list:
    return [None if v == NULL else v[1:] if v.startswith("\\") else v for v in values]


def backup(engine: Engine, folder: Path) -> dict:
    """Write every table to ``folder`` (created; must be empty) and return the manifest."""
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise BackupError(_("{folder} is a file; choose a new folder for the backup").format(folder=folder))
    if folder.exists() and any(folder.iterdir()):
        raise BackupError(_("{folder} is not empty; choose a new folder for the backup").format(folder=folder))
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=FOLDER_MODE)
        os.chmod(folder, FOLDER_MODE)  # an empty folder that existed, or a umask that left more open
    except OSError as exc:
        raise BackupError(_("cannot create {folder}: {reason}").format(folder=folder, reason=exc.strerror)) from None
    manifest = {"format": FORMAT, "revision": current_revision(engine), "created": dt.datetime.now(dt.UTC)
                .isoformat(timespec="seconds"), "credentials": CREDENTIALS, "tables": {}}
    with session_scope(engine, readonly=True) as session:  # one transaction: a consistent snapshot
        for name, _seq in TABLES:
            table = Base.metadata.tables[name]
            rows = session.execute(select(table).order_by(*table.primary_key.columns)).all()
            df = pd.DataFrame(rows, columns=[c.name for c in table.columns])
            path = folder / f"{name}.csv"
            with _private(path) as f:
                _encode(df, table).to_csv(f, index=False, lineterminator="\n")
            manifest["tables"][name] = {"rows": len(df), "sha256": _sha256(path)}
    with _private(folder / "manifest.json") as f:
        f.write(json.dumps(manifest, indent=2))
    return manifest


def _private(path: Path):
    """``path`` created new and opened for writing text, readable by its owner only (0600) from
    the moment it exists."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    os.fchmod(fd, FILE_MODE)  # whatever the umask
    return os.fdopen(fd, "w", encoding="utf-8", newline="")


def restore(engine: Engine, folder: Path, progress=None) -> dict:
    """Load a backup into an empty database of the same schema revision; returns row counts."""
    folder = Path(folder)
    step = progress or (lambda fraction, text: None)
    try:
        manifest = json.loads((folder / "manifest.json").read_text())
        listed = manifest["tables"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise BackupError(_("{folder} holds no readable manifest.json ({reason}); is it a backup folder?").format(
            folder=folder, reason=exc)) from None
    if manifest.get("format") not in (1, FORMAT):
        raise BackupError(_("the backup has format {format}; this version reads {readable}").format(
            format=repr(manifest.get("format")), readable=FORMAT))
    if manifest.get("revision") != current_revision(engine):
        raise BackupError(_("the backup is of schema revision {backup}, the database is at {database}: restore it "
                            "with the version of the tracker that wrote it").format(
            backup=repr(manifest.get("revision")), database=repr(current_revision(engine))))
    frames = {}
    for n, (name, _seq) in enumerate(TABLES):
        step(0.4 * n / len(TABLES), _("Reading {file}").format(file=f"{name}.csv"))
        info = listed.get(name)
        path = folder / f"{name}.csv"
        if info is None or not path.exists():
            raise BackupError(_("{file} is missing from the backup").format(file=f"{name}.csv"))
        if _sha256(path) != info["sha256"]:
            raise BackupError(_("{file} does not match the manifest (changed or damaged)").format(file=f"{name}.csv"))
        try:
            raw = pd.read_csv(path, dtype=str, keep_default_na=False)
            frames[name] = _typed(name, raw, escaped=manifest.get("format") == FORMAT)
        except (ValueError, KeyError, pd.errors.ParserError) as exc:
            raise BackupError(_("{file} cannot be read back: {reason}").format(file=f"{name}.csv", reason=exc)) \
                from None
        if len(frames[name]) != info["rows"]:
            raise BackupError(_("{file} has {rows} rows, the manifest says {listed}").format(
                file=f"{name}.csv", rows=len(frames[name]), listed=info["rows"]))
    counts = {}
    with session_scope(engine) as session:
        for name, _seq in TABLES:
            table = Base.metadata.tables[name]
            if session.scalar(select(func.count()).select_from(table)):
                raise BackupError(_("the database is not empty ({table} has rows); restore into an empty "
                                    "database").format(table=name))
        for n, (name, seq) in enumerate(TABLES):
            df = frames[name]
            step(0.4 + 0.5 * n / len(TABLES), _("Restoring {rows} rows of {table}").format(rows=f"{len(df):,}",
                                                                                            table=name))
            if len(df):
                bulk_insert(session, name, df)
            counts[name] = len(df)
            if seq and len(df):
                _advance(session, seq, int(df["id"].max()))
        step(0.9, _("Recomputing the programme overview"))
        summary.refresh(session, None)  # derived data is not backed up: recomputed
    step(1.0, _("Done"))
    return counts


def _typed(name: str, df: pd.DataFrame, escaped: bool = True) -> pd.DataFrame:
    """CSV text back to the column types of the table (empty cells are NULL where allowed)."""
    table = Base.metadata.tables[name]
    missing = [c.name for c in table.columns if c.name not in df.columns]
    if missing:
        raise ValueError(_("column(s) {columns} missing").format(columns=", ".join(missing)))
    out = {}
    for col in table.columns:
        s = df[col.name]
        kind = col.type.python_type if not _is_text(col) else str
        if kind is bool:
            out[col.name] = [None if v == "" else v.strip().lower() in ("true", "1") for v in s]
        elif kind in (int, float):
            num = pd.to_numeric(s.replace("", None))
            out[col.name] = [None if pd.isna(v) else kind(v) for v in num]
        elif kind is dt.date:
            out[col.name] = [None if v == "" else dt.date.fromisoformat(v[:10]) for v in s]
        elif kind is dt.datetime:
            out[col.name] = [None if v == "" else dt.datetime.fromisoformat(v) for v in s]
        elif escaped:
            out[col.name] = _decode_text(s)
        else:
            out[col.name] = list(s)
    # object columns keep None as None: a float column would turn it into NaN, which DuckDB
    # stores as a number rather than NULL
    return pd.DataFrame({name: pd.Series(values, dtype=object) for name, values in out.items()},
                        columns=[c.name for c in table.columns])


def _advance(session, sequence: str, last_id: int) -> None:
    """Move ``sequence`` so that its next value is above ``last_id``."""
    dialect = session.connection().dialect.name
    if dialect == "postgresql":
        session.execute(text("SELECT setval(:s, :v)"), {"s": sequence, "v": last_id})
    else:  # DuckDB has no setval: draw values until the sequence has passed last_id
        session.execute(text(f"SELECT max(nextval('{sequence}')) FROM range(:n)"), {"n": last_id})
