"""The audit log: every change with who, when, before and after."""
from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Iterable
from typing import Any

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
    rows = [(str(record_id), _dump(before), _dump(after)) for record_id, before, after in entries]
    if not rows:
        return
    session.flush()
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    bulk_insert(session, "audit_log", pd.DataFrame(rows, columns=["record_id", "before", "after"]).assign(
        at=now, username=username, action=action, table_name=table))
