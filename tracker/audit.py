"""The audit log: every change with who, when, before and after."""
from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Iterable, Iterator
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy.orm import Session

from tracker.db import bulk_insert
from tracker.models import AuditEntry


def _dump(value: Any) -> str:
    """``value`` as strict JSON: a missing number (NaN, an optional input left empty) is null."""
    if value is None:
        return ""
    try:
        return json.dumps(value, default=str, sort_keys=True, ensure_ascii=False, allow_nan=False)
    except ValueError:  # NaN or infinity somewhere: written as null (JSON has no NaN)
        return json.dumps(_no_nan(value), default=str, sort_keys=True, ensure_ascii=False, allow_nan=False)


def _no_nan(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _no_nan(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_no_nan(v) for v in value]
    return value


def record(session: Session, username: str, action: str, table: str, record_id: Any = "",
           before: Any = None, after: Any = None) -> None:
    """Add one audit entry to the session's transaction (so it commits with the change)."""
    session.add(AuditEntry(username=username, action=action, table_name=table, record_id=str(record_id),
                           before=_dump(before), after=_dump(after)))


def record_many(session: Session, username: str, action: str, table: str,
                entries: Iterable[tuple[Any, Any, Any]]) -> None:
    """The entries ``(record_id, before, after)`` of :func:`record`, written in one insert in the
    session's transaction: a bulk save's figures, without an object held per entry until the
    commit (two million figures are some hundreds of megabytes of entries). Entries added before
    keep their place in the log."""
    record_texts(session, username, action, table,
                 ((str(record_id), _dump(before), _dump(after)) for record_id, before, after in entries))


def record_texts(session: Session, username: str, action: str, table: str, entries: Iterable[tuple[str, str, str]]
                 ) -> None:
    """:func:`record_many` for entries whose before and after are JSON texts already (:func:`table_json`)."""
    rows = list(entries)
    if not rows:
        return
    session.flush()
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    bulk_insert(session, "audit_log", pd.DataFrame(rows, columns=["record_id", "before", "after"]).assign(
        at=now, username=username, action=action, table_name=table))


def _json_column(values: pd.Series) -> np.ndarray:
    """Each value of a column as :func:`_dump` writes it inside a list: numbers as ``json.dumps`` writes
    them (a missing or infinite one as null), texts escaped as it escapes them; once per distinct value,
    but for floats, which are mostly distinct."""
    if pd.api.types.is_float_dtype(values.dtype):
        numbers = values.to_numpy(dtype=float)
        finite = np.isfinite(numbers)
        out = np.full(len(numbers), "null", dtype=object)
        out[finite] = list(map(float.__repr__, numbers[finite].tolist()))  # json.dumps's float text
        return out
    if pd.api.types.is_integer_dtype(values.dtype) and not values.hasnans:
        return np.asarray(list(map(int.__repr__, values.tolist())), dtype=object)
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    plain = (int(u) if isinstance(u, np.integer) else u for u in uniques)
    texts = [json.dumps(u, default=str, ensure_ascii=False) for u in plain] + ["null"]
    return np.asarray(texts, dtype=object)[codes]


def table_json(frame: pd.DataFrame, per_entry: int) -> Iterator[tuple[int, str]]:
    """The rows of ``frame``, ``per_entry`` at a time, as (rows, the text :func:`_dump` writes of
    ``{"columns": [its columns], "figures": [[the rows' values], ...]}``), built a column at a time
    rather than a Python object per value: a bulk import's audit entries (two million figures)."""
    head = '{"columns": ' + json.dumps(list(frame.columns), ensure_ascii=False) + ', "figures": [['
    cells = [_json_column(frame[c]) for c in frame.columns]
    rows = list(map(", ".join, zip(*cells, strict=True)))
    for start in range(0, len(rows), per_entry):
        part = rows[start:start + per_entry]
        yield len(part), head + "], [".join(part) + "]]}"
