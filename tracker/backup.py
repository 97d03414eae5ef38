"""Backup and restore of the whole database as a folder of CSV files plus a manifest.

A backup holds one CSV per table (every column, ids included) and ``manifest.json`` with the
schema revision, the row counts and a SHA-256 per file. Derived tables (the programme
overview's enterprise summary) are not backed up; restore recomputes them. Restore goes into an empty database
of the same revision (DuckDB or PostgreSQL, either way round), checks the files against the
manifest, inserts every table in one transaction, and moves each id sequence past the
largest restored id so that later inserts do not collide.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

import pandas as pd
from sqlalchemy import func, select, text
from sqlalchemy.engine import Engine

from tracker import overview
from tracker.db import current_revision, session_scope
from tracker.models import Base

#: tables in dependency order, with the sequence behind each integer key
TABLES = [("enterprises", "enterprise_id_seq"), ("users", "user_id_seq"), ("user_enterprises", None),
          ("trainings", "training_id_seq"), ("measurements", "measurement_id_seq"), ("actions", "action_id_seq"),
          ("audit_log", "audit_id_seq")]


class BackupError(ValueError):
    """A backup folder that cannot be restored (or written), with the reason."""


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def backup(engine: Engine, folder: Path) -> dict:
    """Write every table to ``folder`` (created; must be empty) and return the manifest."""
    folder = Path(folder)
    if folder.exists() and any(folder.iterdir()):
        raise BackupError(f"{folder} is not empty; choose a new folder for the backup")
    folder.mkdir(parents=True, exist_ok=True)
    manifest = {"format": 1, "revision": current_revision(engine), "created": dt.datetime.now(dt.timezone.utc)
                .isoformat(timespec="seconds"), "tables": {}}
    with session_scope(engine) as session:  # one transaction: a consistent snapshot
        for name, _ in TABLES:
            table = Base.metadata.tables[name]
            rows = session.execute(select(table).order_by(*table.primary_key.columns)).all()
            df = pd.DataFrame(rows, columns=[c.name for c in table.columns])
            path = folder / f"{name}.csv"
            df.to_csv(path, index=False)
            manifest["tables"][name] = {"rows": len(df), "sha256": _sha256(path)}
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2))
    return manifest


def restore(engine: Engine, folder: Path) -> dict:
    """Load a backup into an empty database of the same schema revision; returns row counts."""
    folder = Path(folder)
    try:
        manifest = json.loads((folder / "manifest.json").read_text())
    except (OSError, ValueError) as exc:
        raise BackupError(f"{folder} holds no readable manifest.json: {exc}") from None
    if manifest.get("revision") != current_revision(engine):
        raise BackupError(f"the backup is of schema revision {manifest.get('revision')!r}, the database is at "
                          f"{current_revision(engine)!r}")
    frames = {}
    for name, _ in TABLES:
        info = manifest["tables"].get(name)
        path = folder / f"{name}.csv"
        if info is None or not path.exists():
            raise BackupError(f"{name}.csv is missing from the backup")
        if _sha256(path) != info["sha256"]:
            raise BackupError(f"{name}.csv does not match the manifest (changed or damaged)")
        frames[name] = _typed(name, pd.read_csv(path, dtype=str, keep_default_na=False))
        if len(frames[name]) != info["rows"]:
            raise BackupError(f"{name}.csv has {len(frames[name])} rows, the manifest says {info['rows']}")
    counts = {}
    with session_scope(engine) as session:
        for name, _ in TABLES:
            table = Base.metadata.tables[name]
            if session.scalar(select(func.count()).select_from(table)):
                raise BackupError(f"the database is not empty ({name} has rows); restore into an empty database")
        for name, seq in TABLES:
            df = frames[name]
            if len(df):
                session.execute(Base.metadata.tables[name].insert(), df.to_dict("records"))
            counts[name] = len(df)
            if seq and len(df):
                _advance(session, seq, int(df["id"].max()))
        # derived data is not backed up: the programme overview's summary is recomputed
        overview.refresh(session, None)
    return counts


def _typed(name: str, df: pd.DataFrame) -> pd.DataFrame:
    """CSV text back to the column types of the table (empty cells are NULL where allowed)."""
    table = Base.metadata.tables[name]
    out = {}
    for col in table.columns:
        s = df[col.name]
        kind = col.type.python_type
        if kind is bool:
            out[col.name] = s.map(lambda v: v.strip().lower() in ("true", "1"))
        elif kind in (int, float):
            num = pd.to_numeric(s.replace("", None))
            out[col.name] = [None if pd.isna(v) else kind(v) for v in num]
        elif kind is dt.date:
            out[col.name] = [None if v == "" else dt.date.fromisoformat(v[:10]) for v in s]
        elif kind is dt.datetime:
            out[col.name] = [None if v == "" else dt.datetime.fromisoformat(v) for v in s]
        else:
            out[col.name] = s.astype(object)
    return pd.DataFrame(out, columns=[c.name for c in table.columns]).astype(object)


def _advance(session, sequence: str, last_id: int) -> None:
    """Move ``sequence`` so that its next value is above ``last_id``."""
    dialect = session.connection().dialect.name
    if dialect == "postgresql":
        session.execute(text("SELECT setval(:s, :v)"), {"s": sequence, "v": last_id})
    else:  # DuckDB has no setval: draw values until the sequence has passed last_id
        session.execute(text(f"SELECT max(nextval('{sequence}')) FROM range(:n)"), {"n": last_id})
