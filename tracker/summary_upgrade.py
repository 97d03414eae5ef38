"""The programme summary recomputed by a schema revision, once per upgrade.

Revisions 0010 (figures per unit of production), 0012 (emissions by scope) and 0015 (regression
baselines) change what ``enterprise_summary`` holds, so each recomputes it from the stored
measurements (the summary is derived data). An upgrade that runs several of them recomputes it
once, in the last of them that the upgrade reaches: at 100k enterprises a recompute costs tens of
seconds of CPU, and the earlier ones would be thrown away. Only the columns the table has at the
revision that recomputes are written.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import context, op
from alembic.script import ScriptDirectory

#: the revisions that recompute the summary (each calls :func:`recompute` with its own id)
RECOMPUTING = ("0010", "0012", "0015")


def later_recompute(revision: str) -> bool:
    """True when a revision after ``revision``, up to where this upgrade goes, recomputes too."""
    try:
        script = ScriptDirectory.from_config(context.config)
        target = script.get_revision(context.get_revision_argument())
    except Exception:  # noqa: BLE001 - a relative or unusual target: recompute here, to be safe
        return False
    while target is not None and target.revision != revision:
        if target.revision in RECOMPUTING:
            return True
        target = script.get_revision(target.down_revision) if target.down_revision else None
    return False


def recompute(revision: str) -> None:
    """Recompute the summary in revision ``revision`` unless a later revision of this upgrade will."""
    from sqlalchemy.orm import Session

    from tracker import summary
    from tracker.db import bulk_insert, delete_ids, read_frame

    bind = op.get_bind()
    if later_recompute(revision) or not bind.exec_driver_sql("SELECT count(*) FROM measurements").scalar():
        return
    columns = {c["name"] for c in sa.inspect(bind).get_columns("enterprise_summary")}
    with Session(bind=bind) as session:
        rows = summary.compute_summary(read_frame(session, summary.MEASUREMENT_SQL))
        delete_ids(session, "enterprise_summary", "enterprise_id", None)
        bulk_insert(session, "enterprise_summary", rows[[c for c in rows.columns if c in columns]])
