"""The audit log: every change with who, when, before and after."""
from __future__ import annotations

import json
from typing import Any

from sqlalchemy.orm import Session

from tracker.models import AuditEntry


def _dump(value: Any) -> str:
    if value is None:
        return ""
    return json.dumps(value, default=str, sort_keys=True, ensure_ascii=False)


def record(session: Session, username: str, action: str, table: str, record_id: Any = "",
           before: Any = None, after: Any = None) -> None:
    """Add one audit entry to the session's transaction (so it commits with the change)."""
    session.add(AuditEntry(username=username, action=action, table_name=table, record_id=str(record_id),
                           before=_dump(before), after=_dump(after)))
